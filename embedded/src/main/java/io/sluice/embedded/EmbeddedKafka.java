package io.sluice.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka 4.3 broker in KRaft mode (one combined broker+controller, node 1) running
 * inside this JVM, on loopback only.
 *
 * <p>Both listeners bind {@code 127.0.0.1}: {@code PLAINTEXT} for clients (advertised as {@code
 * 127.0.0.1} too) and {@code CONTROLLER} for the static single-voter quorum. Their ports are free
 * ones picked just before start; if another process takes one in between, start retries with fresh
 * ports. The log directory, which also holds the metadata log, is {@code <directory>/data}; the
 * directory is wiped at start and deleted at close. The metadata version is the latest production
 * one, every internal topic is configured for a single broker (replication factor 1, min ISR 1) and
 * consumer groups join without the initial rebalance delay.
 *
 * <p>The node is Kafka's own server, wired as {@code kafka-server-start.sh} wires it, except that
 * faults Kafka treats as fatal are logged rather than halting the JVM (see {@link KraftNode}).
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final String HOST = "127.0.0.1";
  private static final int NODE_ID = 1;
  private static final int START_ATTEMPTS = 3;

  private final Path directory;
  private final Properties properties;
  private KraftNode node;
  private final String bootstrapServers;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedKafka(Path directory, Properties properties, KraftNode node, int brokerPort) {
    this.directory = directory;
    this.properties = properties;
    this.node = node;
    this.bootstrapServers = HOST + ":" + brokerPort;
  }

  /**
   * Shuts the broker down as a broker restart does, keeping its log directory; clients see it gone
   * until {@link #restart}.
   */
  public synchronized void stop() {
    if (node == null) {
      return;
    }
    node.stop();
    node = null;
    LOG.info("Kafka broker at {} stopped, data kept", bootstrapServers);
  }

  /** Starts the broker again on its ports and log directory, after {@link #stop}. */
  public synchronized void restart() {
    if (node != null) {
      throw new IllegalStateException(this + " is running; stop it first");
    }
    node = KraftNode.start(properties, false);
    LOG.info("Kafka broker at {} started again", bootstrapServers);
  }

  /**
   * Formats and starts the broker with its data under {@code directory}, returning once it is
   * registered and unfenced, ready to serve clients.
   *
   * @throws UncheckedIOException if the directory cannot be prepared or no free port is found
   * @throws IllegalStateException if the broker cannot be formatted or started
   */
  public static EmbeddedKafka start(Path directory) {
    Path absolute = directory.toAbsolutePath();
    for (int attempt = 1; ; attempt++) {
      try {
        Directories.recreate(absolute);
      } catch (IOException e) {
        throw new UncheckedIOException("Could not prepare Kafka directory " + absolute, e);
      }
      int[] ports = freeLoopbackPorts(2);
      Properties properties =
          nodeProperties(absolute.resolve("data").toString(), ports[0], ports[1]);
      try {
        EmbeddedKafka kafka =
            new EmbeddedKafka(absolute, properties, KraftNode.start(properties), ports[0]);
        LOG.info("Kafka broker listening on {}", kafka.bootstrapServers());
        return kafka;
      } catch (RuntimeException e) {
        if (attempt == START_ATTEMPTS || !isBindFailure(e)) {
          throw new IllegalStateException(
              String.format(
                  "Could not start embedded Kafka in %s (attempt %d of %d, broker port %d,"
                      + " controller port %d): %s",
                  absolute, attempt, START_ATTEMPTS, ports[0], ports[1], e.getMessage()),
              e);
        }
        // Another process took a port between our probe and the broker's bind.
        LOG.warn(
            "Kafka could not bind port {} or {} on {} (attempt {} of {}); retrying with new ports",
            ports[0],
            ports[1],
            HOST,
            attempt,
            START_ATTEMPTS);
      }
    }
  }

  private static Properties nodeProperties(String logDirectory, int brokerPort, int quorumPort) {
    Properties props = new Properties();
    props.put("process.roles", "broker,controller");
    props.put("node.id", Integer.toString(NODE_ID));
    props.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + quorumPort);
    props.put(
        "listeners",
        "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + quorumPort);
    props.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
    props.put("controller.listener.names", "CONTROLLER");
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("log.dirs", logDirectory);
    props.put("offsets.topic.replication.factor", "1");
    props.put("offsets.topic.num.partitions", "5");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("share.coordinator.state.topic.replication.factor", "1");
    props.put("share.coordinator.state.topic.min.isr", "1");
    props.put("group.initial.rebalance.delay.ms", "0");
    // The log cleaner's dedupe buffer is 128 MiB of heap by default; the compacted topics here are
    // tiny (Kafka's test kit uses the same 2 MiB).
    props.put("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
    return props;
  }

  /**
   * Ports that were free on loopback a moment ago. All are held open together so they differ, then
   * released for the broker to bind.
   */
  private static int[] freeLoopbackPorts(int count) {
    ServerSocket[] sockets = new ServerSocket[count];
    int[] ports = new int[count];
    try {
      InetAddress loopback = InetAddress.getByName(HOST);
      for (int i = 0; i < count; i++) {
        sockets[i] = new ServerSocket();
        sockets[i].bind(new InetSocketAddress(loopback, 0));
        ports[i] = sockets[i].getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not find a free port on " + HOST, e);
    } finally {
      for (ServerSocket socket : sockets) {
        closeQuietly(socket);
      }
    }
  }

  private static boolean isBindFailure(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof BindException) {
        return true;
      }
    }
    return false;
  }

  /** {@code 127.0.0.1:<port>}, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  public Path directory() {
    return directory;
  }

  /**
   * Shuts the broker down, waits for all its threads to finish and deletes its directory; safe to
   * call again.
   */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    stop();
    try {
      Directories.deleteRecursively(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not delete Kafka directory " + directory, e);
    }
    LOG.info("Kafka broker stopped");
  }

  @Override
  public String toString() {
    return "Kafka at " + bootstrapServers;
  }

  private static void closeQuietly(ServerSocket socket) {
    if (socket == null) {
      return;
    }
    try {
      socket.close();
    } catch (IOException e) {
      LOG.debug("Could not close a port probe on {}", HOST, e);
    }
  }
}
