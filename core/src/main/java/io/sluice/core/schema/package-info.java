/**
 * Table identity and structure as sluice carries them between source and target: qualified names,
 * columns with their exact SQL types, primary keys, and the enums and domains those types use.
 */
package io.sluice.core.schema;
