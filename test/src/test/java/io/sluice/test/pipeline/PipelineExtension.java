package io.sluice.test.pipeline;

import io.sluice.embedded.TestIsolation;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves the parameters of a {@link PipelineSlice} test method: its {@link TestIsolation}, a
 * {@link PipelineFixture} of the annotation's groups, a {@link SourceWriter}, and a new {@link
 * Connection} for each parameter marked {@link Source} or {@link Target}. One slice and one fixture
 * per test, made when a parameter first needs them. After the test, closes what it made in the
 * order a try-with-resources header of slice, fixture, connections and writer would: the writer,
 * the connections (last opened first), the fixture (which closes the slice), else the slice.
 */
final class PipelineExtension implements ParameterResolver, AfterEachCallback {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(PipelineExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == TestIsolation.class
        || type == PipelineFixture.class
        || type == SourceWriter.class
        || (type == Connection.class
            && (parameter.isAnnotated(Source.class) || parameter.isAnnotated(Target.class)));
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Resources resources =
        context
            .getStore(NAMESPACE)
            .getOrComputeIfAbsent(
                Resources.class,
                key ->
                    new Resources(
                        context.getRequiredTestMethod().getAnnotation(PipelineSlice.class)),
                Resources.class);
    Class<?> type = parameter.getParameter().getType();
    try {
      if (type == TestIsolation.class) {
        return resources.slice();
      } else if (type == PipelineFixture.class) {
        return resources.pipeline();
      } else if (type == SourceWriter.class) {
        return resources.writer();
      } else {
        return resources.connect(parameter.isAnnotated(Source.class));
      }
    } catch (SQLException e) {
      throw new ParameterResolutionException("cannot connect to the slice's database", e);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Resources resources = context.getStore(NAMESPACE).remove(Resources.class, Resources.class);
    if (resources != null) {
      resources.close();
    }
  }

  /** What one test made on its slice. */
  private static final class Resources {
    private final PipelineSlice spec;
    private final List<Connection> connections = new ArrayList<>();
    private TestIsolation slice;
    private PipelineFixture pipeline;
    private SourceWriter writer;

    Resources(PipelineSlice spec) {
      if (spec == null) {
        throw new ParameterResolutionException(
            "the test method has no @PipelineSlice naming its slice");
      }
      this.spec = spec;
    }

    TestIsolation slice() {
      if (slice == null) {
        slice = TestIsolation.create(spec.name());
      }
      return slice;
    }

    PipelineFixture pipeline() {
      if (pipeline == null) {
        if (spec.groups().isBlank()) {
          throw new ParameterResolutionException(
              "@PipelineSlice(name = \"" + spec.name() + "\") names no groups for its pipeline");
        }
        java.util.Map<String, String> env = new java.util.HashMap<>();
        for (String setting : spec.env()) {
          int eq = setting.indexOf('=');
          env.put(setting.substring(0, eq), setting.substring(eq + 1));
        }
        pipeline = new PipelineFixture(slice(), spec.groups(), env);
      }
      return pipeline;
    }

    SourceWriter writer() {
      if (writer == null) {
        writer = new SourceWriter(slice());
      }
      return writer;
    }

    Connection connect(boolean source) throws SQLException {
      Connection c = source ? slice().connectSource() : slice().connectTarget();
      connections.add(c);
      return c;
    }

    void close() {
      List<AutoCloseable> order = new ArrayList<>();
      if (writer != null) {
        order.add(writer);
      }
      for (int i = connections.size() - 1; i >= 0; i--) {
        order.add(connections.get(i));
      }
      if (pipeline != null) {
        order.add(pipeline);
      } else if (slice != null) {
        order.add(slice);
      }
      RuntimeException failure = null;
      for (AutoCloseable c : order) {
        try {
          c.close();
        } catch (Exception e) {
          if (failure == null) {
            failure = new IllegalStateException("closing the test's slice failed", e);
          } else {
            failure.addSuppressed(e);
          }
        }
      }
      if (failure != null) {
        throw failure;
      }
    }
  }
}
