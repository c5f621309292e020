package io.sluice.cli.bench;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.sluice.core.schema.TableId;
import io.sluice.embedded.EmbeddedPostgres;
import io.sluice.embedded.bench.BenchSchema;
import io.sluice.embedded.bench.BenchWorkload;
import java.io.IOException;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Debezium's own reading rate on this box, the reference for what capture costs beyond it: on a
 * database of its own, a burst of changes is committed first, then a plain Debezium embedded engine
 * (pgoutput, the benchmark's tables, its own slot and publication, offsets in memory, Debezium's
 * default conversions) reads them with a consumer that only counts the records. Timed from the
 * first record to the last, so the engine's start is left out.
 */
final class DebeziumRawRate {
  static final String NAME = "sluice_bench_raw";

  /** The burst and how fast Debezium read it. */
  record Result(long records, double seconds, double startSeconds) {
    double recordsPerSecond() {
      return records / Math.max(1e-9, seconds);
    }
  }

  private DebeziumRawRate() {}

  /**
   * Commits about {@code changes} single-row changes of the benchmark's mix to {@code database} on
   * {@code source} (which must hold the benchmark schema and the workload procedure), then reads
   * them with the engine.
   */
  static Result measure(
      EmbeddedPostgres source, String database, long largeRows, long changes, Waiter waiter)
      throws Exception {
    List<TableId> tables =
        BenchSchema.tables().stream().map(t -> new TableId(BenchSchema.SCHEMA, t)).toList();
    try (Connection c = source.connect(database);
        Statement st = c.createStatement()) {
      st.execute(
          "CREATE PUBLICATION "
              + NAME
              + " FOR TABLE "
              + tables.stream().map(TableId::quoted).collect(Collectors.joining(", ")));
      st.execute("SELECT pg_create_logical_replication_slot('" + NAME + "', 'pgoutput')");
    }
    BenchWorkload.Result burst =
        new BenchWorkload(source.jdbcUrl(database), largeRows, 2)
            .run(BenchWorkload.Shape.SINGLE_ROW, changes, 1, done -> {}, Duration.ofSeconds(5));
    AtomicLong seen = new AtomicLong();
    AtomicLong firstNanos = new AtomicLong();
    AtomicLong lastNanos = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long start = System.nanoTime();
    DebeziumEngine<RecordChangeEvent<SourceRecord>> engine =
        DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
            .using(properties(source, database, tables))
            .notifying(
                (records, committer) -> {
                  long now = System.nanoTime();
                  firstNanos.compareAndSet(0, now);
                  seen.addAndGet(records.size());
                  lastNanos.set(now);
                  for (RecordChangeEvent<SourceRecord> r : records) {
                    committer.markProcessed(r);
                  }
                  committer.markBatchFinished();
                })
            .using(
                (success, message, error) -> {
                  if (!success) {
                    failure.compareAndSet(
                        null, error != null ? error : new IllegalStateException(message));
                  }
                })
            .build();
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "sluice-bench-debezium-raw");
              t.setDaemon(true);
              return t;
            });
    try {
      executor.execute(engine);
      waiter.setFailureCheck(() -> Optional.ofNullable(failure.get()));
      waiter.await("Debezium's read of the burst", () -> seen.get() >= burst.rows());
    } finally {
      waiter.setFailureCheck(Optional::empty);
      close(engine);
      executor.shutdown();
    }
    return new Result(
        seen.get(), (lastNanos.get() - firstNanos.get()) / 1e9, (firstNanos.get() - start) / 1e9);
  }

  private static Properties properties(
      EmbeddedPostgres source, String database, List<TableId> tables) {
    Properties p = new Properties();
    p.setProperty("name", NAME);
    p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
    p.setProperty("topic.prefix", NAME);
    p.setProperty("database.hostname", source.host());
    p.setProperty("database.port", Integer.toString(source.port()));
    p.setProperty("database.user", source.user());
    p.setProperty("database.password", source.password());
    p.setProperty("database.dbname", database);
    p.setProperty("plugin.name", "pgoutput");
    p.setProperty("slot.name", NAME);
    p.setProperty("publication.name", NAME);
    p.setProperty("publication.autocreate.mode", "disabled");
    p.setProperty(
        "table.include.list",
        tables.stream().map(TableId::toString).collect(Collectors.joining(",")));
    p.setProperty("snapshot.mode", "no_data");
    p.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
    p.setProperty("offset.flush.interval.ms", "60000");
    p.setProperty("poll.interval.ms", "50");
    p.setProperty("errors.max.retries", "0");
    return p;
  }

  private static void close(DebeziumEngine<?> engine) {
    try {
      engine.close();
    } catch (IOException e) {
      throw new IllegalStateException("the Debezium engine did not close: " + e.getMessage(), e);
    }
  }
}
