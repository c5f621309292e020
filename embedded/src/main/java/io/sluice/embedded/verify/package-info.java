/**
 * Source-versus-target comparison of replicated tables by row count and an in-database content
 * hash. A temporary home until {@code sluice verify} exists in production code.
 */
package io.sluice.embedded.verify;
