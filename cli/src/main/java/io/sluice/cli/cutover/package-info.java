/**
 * {@code sluice cutover}: moving the application from the source to the target in named, checked,
 * audited steps, with a reverse pipeline that keeps the old primary current for a rollback.
 */
package io.sluice.cli.cutover;
