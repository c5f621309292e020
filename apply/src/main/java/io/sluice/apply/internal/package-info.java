/** Batch reduction, COPY encoding, SQL generation and error classification behind apply. */
package io.sluice.apply.internal;
