package io.sluice.embedded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole real infrastructure of a sluice pipeline on loopback: a source PostgreSQL with logical
 * decoding, a target PostgreSQL, a Kafka broker and DynamoDB Local, started in parallel with every
 * file under one base directory.
 *
 * <p>Layout of the base directory: {@code source-pg/} and {@code target-pg/} (data directories),
 * {@code pg-binaries/} (unpacked PostgreSQL, kept as a cache), {@code kafka/} and {@code
 * infrastructure.lock}, which keeps a second process from using the same directory. {@link
 * #close()} stops everything and is idempotent; {@link #registerShutdownHook()} makes Ctrl-C do the
 * same.
 *
 * <p>Tests share one instance per JVM through {@link #shared()} and isolate themselves with {@link
 * TestIsolation}.
 */
public final class EmbeddedInfrastructure implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedInfrastructure.class);
  private static final Object SHARED_LOCK = new Object();
  private static final int MAX_SHARED_SLOTS = 8;
  private static final AtomicInteger DERIVED = new AtomicInteger();
  private static EmbeddedInfrastructure shared;
  private static RuntimeException sharedFailure;

  private final Path baseDirectory;
  private final DirectoryLock lock;
  private final EmbeddedPostgres source;
  private final EmbeddedPostgres target;
  private final EmbeddedKafka kafka;
  private final EmbeddedDynamoDb dynamoDb;
  private final Duration startupDuration;

  /** What {@link #close} stops: everything, or for a derived instance only what it started. */
  private final List<AutoCloseable> owned;

  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean hookRegistered = new AtomicBoolean();
  private final Thread shutdownHook = new Thread(this::close, "sluice-infrastructure-shutdown");

  private EmbeddedInfrastructure(
      Path baseDirectory,
      DirectoryLock lock,
      EmbeddedPostgres source,
      EmbeddedPostgres target,
      EmbeddedKafka kafka,
      EmbeddedDynamoDb dynamoDb,
      Duration startupDuration,
      List<AutoCloseable> owned) {
    this.baseDirectory = baseDirectory;
    this.lock = lock;
    this.source = source;
    this.target = target;
    this.kafka = kafka;
    this.dynamoDb = dynamoDb;
    this.startupDuration = startupDuration;
    this.owned = List.copyOf(owned);
  }

  /**
   * The same Kafka broker and DynamoDB Local with a source and a target PostgreSQL of its own, for
   * a test that crashes or restarts them; closing it stops only those two servers.
   */
  public EmbeddedInfrastructure withOwnPostgres(String name) {
    Path base =
        baseDirectory.resolve(
            "own-" + TestIsolation.sanitize(name) + "-" + DERIVED.incrementAndGet());
    DirectoryLock derivedLock = DirectoryLock.acquire(base);
    long startNanos = System.nanoTime();
    EmbeddedPostgres ownSource = null;
    try {
      ownSource = EmbeddedPostgres.start("source-pg", base, true);
      EmbeddedPostgres ownTarget = EmbeddedPostgres.start("target-pg", base, false);
      return new EmbeddedInfrastructure(
          base,
          derivedLock,
          ownSource,
          ownTarget,
          kafka,
          dynamoDb,
          Duration.ofNanos(System.nanoTime() - startNanos),
          List.of(ownSource, ownTarget));
    } catch (RuntimeException e) {
      if (ownSource != null) {
        ownSource.close();
      }
      derivedLock.release();
      throw e;
    }
  }

  /**
   * The same PostgreSQL servers and DynamoDB Local with a Kafka broker of its own, for a test that
   * stops and restarts the broker; closing it stops only that broker.
   */
  public EmbeddedInfrastructure withOwnKafka(String name) {
    Path base =
        baseDirectory.resolve(
            "own-" + TestIsolation.sanitize(name) + "-" + DERIVED.incrementAndGet());
    DirectoryLock derivedLock = DirectoryLock.acquire(base);
    long startNanos = System.nanoTime();
    try {
      EmbeddedKafka ownKafka = EmbeddedKafka.start(base.resolve("kafka"));
      return new EmbeddedInfrastructure(
          base,
          derivedLock,
          source,
          target,
          ownKafka,
          dynamoDb,
          Duration.ofNanos(System.nanoTime() - startNanos),
          List.of(ownKafka));
    } catch (RuntimeException e) {
      derivedLock.release();
      throw e;
    }
  }

  /**
   * Starts all four components in parallel under {@code baseDirectory} (created if missing).
   *
   * @throws IllegalStateException naming the component that failed, after stopping the others, or
   *     if another process holds the directory
   */
  public static EmbeddedInfrastructure start(Path baseDirectory) {
    Path base = baseDirectory.toAbsolutePath().normalize();
    return start(base, DirectoryLock.acquire(base));
  }

  private static EmbeddedInfrastructure start(Path base, DirectoryLock lock) {
    long startNanos = System.nanoTime();
    AtomicInteger threadCount = new AtomicInteger();
    ExecutorService executor =
        Executors.newFixedThreadPool(
            4,
            task -> {
              Thread thread =
                  new Thread(task, "sluice-infra-start-" + threadCount.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    try {
      Future<EmbeddedPostgres> source =
          executor.submit(() -> EmbeddedPostgres.start("source-pg", base, true));
      Future<EmbeddedPostgres> target =
          executor.submit(() -> EmbeddedPostgres.start("target-pg", base, false));
      Future<EmbeddedKafka> kafka =
          executor.submit(() -> EmbeddedKafka.start(base.resolve("kafka")));
      Future<EmbeddedDynamoDb> dynamoDb = executor.submit(EmbeddedDynamoDb::start);

      StartupResults results = new StartupResults();
      EmbeddedPostgres sourcePg = results.await("source PostgreSQL", source);
      EmbeddedPostgres targetPg = results.await("target PostgreSQL", target);
      EmbeddedKafka broker = results.await("Kafka", kafka);
      EmbeddedDynamoDb dynamo = results.await("DynamoDB Local", dynamoDb);
      if (results.failure != null) {
        results.closeStarted();
        throw results.failure;
      }
      Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
      var infrastructure =
          new EmbeddedInfrastructure(
              base,
              lock,
              sourcePg,
              targetPg,
              broker,
              dynamo,
              took,
              List.of(dynamo, broker, targetPg, sourcePg));
      LOG.info("Embedded infrastructure up in {} ms: {}", took.toMillis(), infrastructure);
      return infrastructure;
    } catch (RuntimeException e) {
      lock.release();
      throw e;
    } finally {
      executor.shutdownNow();
    }
  }

  /**
   * The one instance of this JVM, started on first use under {@code
   * ${java.io.tmpdir}/sluice-shared-infra} and stopped by a shutdown hook. While other JVMs hold
   * that directory (parallel forks, a second build of the same module), it takes the first free of
   * {@code sluice-shared-infra-2} to {@code -8}. A failed start is remembered, so later callers
   * fail fast with the same error.
   */
  public static EmbeddedInfrastructure shared() {
    synchronized (SHARED_LOCK) {
      if (sharedFailure != null) {
        throw sharedFailure;
      }
      if (shared == null) {
        try {
          shared = startShared().registerShutdownHook();
        } catch (RuntimeException e) {
          sharedFailure = e;
          throw e;
        }
      }
      return shared;
    }
  }

  private static EmbeddedInfrastructure startShared() {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
    for (int slot = 1; slot <= MAX_SHARED_SLOTS; slot++) {
      Path base = tmp.resolve(slot == 1 ? "sluice-shared-infra" : "sluice-shared-infra-" + slot);
      Optional<DirectoryLock> lock = DirectoryLock.tryAcquire(base);
      if (lock.isPresent()) {
        return start(base, lock.get());
      }
    }
    throw new IllegalStateException(
        "All "
            + MAX_SHARED_SLOTS
            + " shared infrastructure directories under "
            + tmp
            + " are in use by other JVMs");
  }

  /**
   * Stops everything when the JVM exits, including on SIGINT/SIGTERM, so no PostgreSQL child
   * process outlives it. {@link #close()} removes the hook again; registering twice is harmless.
   */
  public EmbeddedInfrastructure registerShutdownHook() {
    if (!closed.get() && !hookRegistered.getAndSet(true)) {
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    }
    return this;
  }

  /** The logical-decoding source ({@code wal_level=logical}). */
  public EmbeddedPostgres source() {
    return source;
  }

  public EmbeddedPostgres target() {
    return target;
  }

  public EmbeddedKafka kafka() {
    return kafka;
  }

  public EmbeddedDynamoDb dynamoDb() {
    return dynamoDb;
  }

  /**
   * The {@code source}, {@code target}, {@code kafka} and {@code dynamodb} sections of a pipeline
   * file that points at these servers, for the given databases. A null prefix leaves sluice's
   * default.
   */
  public String connectionYaml(
      String sourceDatabase, String targetDatabase, String topicPrefix, String tablePrefix) {
    return """
        source:
          host: %s
          port: %d
          database: %s
          user: %s
        target:
          host: %s
          port: %d
          database: %s
          user: %s
        kafka:
          bootstrap-servers: %s
          replication-factor: 1
        %sdynamodb:
          endpoint: %s
          local-credentials: true
        %sadmin:
          port: 0
        """
        .formatted(
            source().host(),
            source().port(),
            sourceDatabase,
            source().user(),
            target().host(),
            target().port(),
            targetDatabase,
            target().user(),
            kafka().bootstrapServers(),
            topicPrefix == null ? "" : "  topic-prefix: " + topicPrefix + "\n",
            dynamoDb().endpoint(),
            tablePrefix == null ? "" : "  table-prefix: " + tablePrefix + "\n");
  }

  public Path baseDirectory() {
    return baseDirectory;
  }

  /** Wall-clock time from {@link #start(Path)} until every component was ready. */
  public Duration startupDuration() {
    return startupDuration;
  }

  /**
   * Stops every component, even when some fail to stop; safe to call again.
   *
   * @throws IllegalStateException carrying every failure (the rest as suppressed)
   */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    if (hookRegistered.get() && Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // The JVM is exiting and the hook runs (or ran) anyway.
      }
    }
    List<RuntimeException> failures = new ArrayList<>();
    owned.forEach(component -> closeCollecting(component, failures));
    lock.release();
    if (!failures.isEmpty()) {
      IllegalStateException failure =
          new IllegalStateException(
              "Could not stop embedded infrastructure in " + baseDirectory, failures.get(0));
      failures.stream().skip(1).forEach(failure::addSuppressed);
      throw failure;
    }
    LOG.info("Embedded infrastructure stopped");
  }

  @Override
  public String toString() {
    return String.join(
        ", ", source.toString(), target.toString(), kafka.toString(), dynamoDb.toString());
  }

  private static void closeCollecting(AutoCloseable component, List<RuntimeException> failures) {
    try {
      component.close();
    } catch (RuntimeException e) {
      failures.add(e);
    } catch (Exception e) {
      failures.add(new IllegalStateException("Could not stop " + component, e));
    }
  }

  /** Waits for every start, keeping what started so a failure can stop it. */
  private static final class StartupResults {
    private final List<AutoCloseable> started = new ArrayList<>();
    private IllegalStateException failure;

    <T extends AutoCloseable> T await(String component, Future<T> future) {
      try {
        T value = future.get();
        started.add(value);
        return value;
      } catch (ExecutionException e) {
        record(component, e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        record(component, e);
      }
      return null;
    }

    private void record(String component, Throwable cause) {
      var error =
          new IllegalStateException(
              "Could not start embedded " + component + ": " + cause.getMessage(), cause);
      if (failure == null) {
        failure = error;
      } else {
        failure.addSuppressed(error);
      }
    }

    void closeStarted() {
      List<RuntimeException> ignored = new ArrayList<>();
      started.forEach(component -> closeCollecting(component, ignored));
      ignored.forEach(failure::addSuppressed);
    }
  }
}
