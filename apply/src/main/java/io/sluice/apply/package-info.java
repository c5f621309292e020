/**
 * Apply: consumes a table group's topic and writes its changes to the target in batches, each row
 * guarded by the source position that wrote it, deletes leaving tombstones, the checkpoint written
 * only after the target transaction commits.
 */
package io.sluice.apply;
