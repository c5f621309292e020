package io.sluice.test.pipeline;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;

/**
 * Marks a {@link java.sql.Connection} parameter of a {@link PipelineSlice} test: a new connection
 * to the slice's target database, closed after the test.
 */
@Retention(RetentionPolicy.RUNTIME)
@java.lang.annotation.Target(ElementType.PARAMETER)
@interface Target {}
