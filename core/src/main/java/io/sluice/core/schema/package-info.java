/**
 * Table identity and structure as sluice carries them between source and target: qualified names,
 * columns with their exact SQL types, and primary keys.
 */
package io.sluice.core.schema;
