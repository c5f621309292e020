/**
 * Query capture's SQL: the watermark poll of a table, and what is particular to Greenplum 7 (its
 * detection, distribution keys, parallel retrieve cursors). The capture run itself is {@code
 * io.sluice.capture.QueryCapture}.
 */
package io.sluice.capture.query;
