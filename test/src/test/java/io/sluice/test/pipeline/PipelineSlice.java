package io.sluice.test.pipeline;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test method a {@link io.sluice.embedded.TestIsolation} of its own and, as parameters,
 * what the method asks for on it: the slice, a {@link PipelineFixture} of {@link #groups},
 * connections to the source ({@link Source}) or the target ({@link
 * io.sluice.test.pipeline.Target}), a {@link SourceWriter}. {@link PipelineExtension} creates them
 * and closes them after the test.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@ExtendWith(PipelineExtension.class)
@interface PipelineSlice {
  /** The test's name, from which the slice's databases, topics and tables are named. */
  String name();

  /** The pipeline's groups, a YAML list; needed only for a {@link PipelineFixture} parameter. */
  String groups() default "";

  /** Settings overridden as by environment variables, each {@code SLUICE_...=value}. */
  String[] env() default {};
}
