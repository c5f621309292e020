package io.sluice.embedded;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import kafka.server.BrokerServer;
import kafka.server.ControllerServer;
import kafka.server.FaultHandlerFactory;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.server.Server;
import kafka.server.SharedServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.raft.QuorumConfig;
import org.apache.kafka.server.ServerSocketFactory;
import org.apache.kafka.server.common.MetadataVersion;
import org.apache.kafka.server.fault.LoggingFaultHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * One combined broker+controller KRaft node, formatted as {@code kafka-storage.sh format} does and
 * wired from Kafka's server classes as {@link KafkaRaftServer} wires them, with one difference:
 * faults Kafka treats as fatal are logged instead of halting the JVM.
 *
 * <p>{@code KafkaRaftServer} halts the process on any fatal fault, and a controller listener that
 * cannot bind its port is one; in a test JVM or {@code sluice demo} that would kill the caller
 * instead of letting it retry or report. Failures Kafka halts on without its fault handlers (a
 * failed log directory) still halt.
 */
final class KraftNode {

  private static final Logger LOG = LoggerFactory.getLogger(KraftNode.class);

  /** Logs every fault, fatal ones included, and runs its action; never halts. */
  private static final FaultHandlerFactory LOGGING_FAULTS =
      (name, fatal, action) -> new LoggingFaultHandler(fatal ? "fatal " + name : name, action);

  private final SharedServer shared;
  private final ControllerServer controller;
  private final BrokerServer broker;

  private KraftNode(SharedServer shared, ControllerServer controller, BrokerServer broker) {
    this.shared = shared;
    this.controller = controller;
    this.broker = broker;
  }

  /**
   * Formats the node's log directory (which also holds the metadata log) at the latest production
   * metadata version, then starts the controller and the broker; returns once the broker is
   * registered and unfenced. On failure, whatever started is stopped again.
   *
   * @param properties a {@code process.roles=broker,controller} configuration with a static quorum
   *     ({@code controller.quorum.voters}) and a single log directory
   */
  static KraftNode start(Properties properties) {
    return start(properties, true);
  }

  /**
   * As {@link #start(Properties)}; with {@code format} false, starts on the log directory as the
   * last run left it (a restart).
   */
  static KraftNode start(Properties properties, boolean format) {
    KafkaConfig config = KafkaConfig.fromProps(properties, /* doLog= */ false);
    if (format) {
      format(config);
    }
    Tuple2<MetaPropertiesEnsemble, BootstrapMetadata> storage =
        KafkaRaftServer.initializeLogDirs(config, LOG, "");
    Metrics metrics =
        Server.initializeMetrics(config, Time.SYSTEM, storage._1().clusterId().orElseThrow());
    Map<Integer, InetSocketAddress> voters =
        QuorumConfig.parseVoterConnections(config.quorumConfig().voters());
    SharedServer shared =
        new SharedServer(
            config,
            storage._1(),
            Time.SYSTEM,
            metrics,
            CompletableFuture.completedFuture(voters),
            QuorumConfig.parseBootstrapServers(config.quorumConfig().bootstrapServers()),
            LOGGING_FAULTS,
            ServerSocketFactory.INSTANCE);
    KraftNode node =
        new KraftNode(
            shared,
            new ControllerServer(shared, KafkaRaftServer.configSchema(), storage._2()),
            new BrokerServer(shared));
    try {
      // KafkaRaftServer's order: the broker registers with the controller started first.
      node.controller.startup();
      node.broker.startup();
    } catch (RuntimeException | Error e) {
      node.stop();
      throw e;
    }
    return node;
  }

  private static void format(KafkaConfig config) {
    try {
      new Formatter()
          .setPrintStream(new PrintStream(PrintStream.nullOutputStream()))
          .setNodeId(config.nodeId())
          .setClusterId(Uuid.randomUuid().toString())
          .setDirectories(config.logDirs())
          .setMetadataLogDirectory(config.metadataLogDir())
          .setControllerListenerName(config.controllerListenerNames().get(0))
          // Not the newest, unstable version: run what brokers run.
          .setReleaseVersion(MetadataVersion.latestProduction())
          .run();
    } catch (Exception e) {
      throw new IllegalStateException(
          "Could not format Kafka log directory " + config.logDirs(), e);
    }
  }

  /**
   * Broker first, then controller, as {@code KafkaRaftServer} does; returns once every thread of
   * both has finished. Each logs and swallows its own shutdown errors. Safe after a failed start.
   */
  void stop() {
    broker.shutdown();
    controller.shutdown();
    broker.awaitShutdown();
    controller.awaitShutdown();
    LOG.debug("KRaft node {} stopped", shared.nodeId());
  }
}
