package io.sluice.test.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka 4.3 broker in KRaft mode (one combined broker+controller) running inside this
 * JVM, built with Kafka's own {@code KafkaClusterTestKit}.
 *
 * <p>Listeners use ports the kit pre-binds itself, so there is no port race; note that it binds
 * them on the wildcard address (the kit offers no bind address) and advertises {@code localhost}.
 * Metadata and log directories live under the directory given at start, which is wiped first and
 * deleted at close. Every internal topic is configured for a single broker (replication factor 1,
 * min ISR 1), and consumer groups join without the initial rebalance delay.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

  private final Path directory;
  private final KafkaClusterTestKit cluster;
  private final String bootstrapServers;

  private EmbeddedKafka(Path directory, KafkaClusterTestKit cluster) {
    this.directory = directory;
    this.cluster = cluster;
    this.bootstrapServers = cluster.bootstrapServers();
  }

  /**
   * Formats and starts the broker with its data under {@code directory}, returning once it is ready
   * to serve clients.
   *
   * @throws IllegalStateException if the broker cannot be formatted or started
   */
  public static EmbeddedKafka start(Path directory) {
    Path absolute = directory.toAbsolutePath();
    try {
      Directories.recreate(absolute);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not prepare Kafka directory " + absolute, e);
    }
    KafkaClusterTestKit cluster = null;
    try {
      TestKitNodes nodes =
          new TestKitNodes.Builder()
              .setCombined(true)
              .setNumBrokerNodes(1)
              .setNumControllerNodes(1)
              .setBaseDirectory(absolute)
              // The kit defaults to the newest, unstable metadata version; run what brokers run.
              .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
              .build();
      cluster =
          new KafkaClusterTestKit.Builder(nodes)
              .setConfigProp("offsets.topic.replication.factor", "1")
              .setConfigProp("offsets.topic.num.partitions", "5")
              .setConfigProp("transaction.state.log.replication.factor", "1")
              .setConfigProp("transaction.state.log.min.isr", "1")
              .setConfigProp("share.coordinator.state.topic.replication.factor", "1")
              .setConfigProp("share.coordinator.state.topic.min.isr", "1")
              .setConfigProp("group.initial.rebalance.delay.ms", "0")
              .build();
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      EmbeddedKafka kafka = new EmbeddedKafka(absolute, cluster);
      LOG.info("Kafka broker listening on {}", kafka.bootstrapServers());
      return kafka;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeQuietly(cluster);
      throw new IllegalStateException("Interrupted while starting embedded Kafka in " + absolute);
    } catch (Exception e) {
      closeQuietly(cluster);
      throw new IllegalStateException("Could not start embedded Kafka in " + absolute, e);
    }
  }

  /** {@code localhost:<port>}, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  public Path directory() {
    return directory;
  }

  /** Shuts the broker down and deletes its directories. */
  @Override
  public void close() {
    try {
      cluster.close();
      Directories.deleteRecursively(directory);
      LOG.info("Kafka broker stopped");
    } catch (IOException e) {
      throw new UncheckedIOException("Could not delete Kafka directory " + directory, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while stopping embedded Kafka", e);
    } catch (Exception e) {
      throw new IllegalStateException("Could not stop embedded Kafka in " + directory, e);
    }
  }

  @Override
  public String toString() {
    return "Kafka at " + bootstrapServers;
  }

  private static void closeQuietly(KafkaClusterTestKit cluster) {
    if (cluster == null) {
      return;
    }
    try {
      cluster.close();
    } catch (Exception e) {
      LOG.warn("Could not close a Kafka broker that failed to start", e);
    }
  }
}
