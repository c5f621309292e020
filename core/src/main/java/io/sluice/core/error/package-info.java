/**
 * What an error means for sluice: its {@link io.sluice.core.error.ErrorClass} (retry, bad data,
 * fatal) and the names PostgreSQL gives its SQLSTATE codes. Mapping a concrete exception to a class
 * needs the client libraries and lives beside them ({@code io.sluice.checkpoint.ErrorClassifier});
 * this package only holds the vocabulary and the SQLSTATE rules.
 */
package io.sluice.core.error;
