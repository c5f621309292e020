package io.sluice.apply.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.Credentials;
import io.sluice.core.config.GroupConfig;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.config.Secret;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;

/** The clients an apply worker of one group opens, each with the settings apply relies on. */
public final class ApplyClients {
  private final PipelineConfig config;
  private final GroupConfig group;

  public ApplyClients(PipelineConfig config, GroupConfig group) {
    this.config = config;
    this.group = group;
  }

  /** The group's pool of target connections. */
  public HikariDataSource target() {
    HikariConfig h = new HikariConfig();
    h.setJdbcUrl(config.target().jdbcUrl());
    // Asked for each connection the pool opens: a renewed IAM token or a rotated password reaches
    // every new connection, and connections already open are unaffected by a token's expiry.
    String user = config.target().user();
    Secret password = config.target().password();
    h.setCredentialsProvider(() -> Credentials.of(user, password.value()));
    // Each partition holds at most one connection at a time.
    h.setMaximumPoolSize(config.targetPoolSize(group));
    h.setPoolName("sluice-target-" + group.name());
    h.setAutoCommit(true);
    // money is written in the C locale, in which capture reads it: its cents arrive unchanged
    // whatever lc_monetary the target has.
    // With target.replica-role, the target's triggers and foreign-key checks stay quiet for
    // sluice's writes, as for PostgreSQL's own logical replication apply.
    h.addDataSourceProperty(
        "options",
        "-c lc_monetary=C"
            + (config.target().replicaRole() ? " -c session_replication_role=replica" : ""));
    // A connection the pool cannot open within this fails the attempt, which apply retries with
    // backoff and reports (readiness, status, errors metric): a target that is away shows at once.
    h.setConnectionTimeout(Duration.ofSeconds(5).toMillis());
    // Start even while the target is away (a pod started during a failover): the first write
    // waits for it, as every later one does.
    h.setInitializationFailTimeout(-1);
    return new TargetPool(h, password);
  }

  /** A Kafka admin client, for offsets and topic settings. */
  public Admin admin() {
    return Admin.create(config.kafka().clientProperties());
  }

  /** Settings of the group's dead-letter producer, before its own. */
  public Properties producerBase() {
    return config.kafka().clientProperties();
  }

  /** The consumer of one partition of the group's topic. */
  public KafkaConsumer<ByteBuffer, ByteBuffer> consumer(int partition) {
    Properties p = config.kafka().clientProperties();
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "sluice-apply-" + config.name() + "-" + group.name());
    p.put(
        ConsumerConfig.CLIENT_ID_CONFIG,
        "sluice-apply-" + config.name() + "-" + group.name() + "-" + partition);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    // Capture creates each group's topic with its partition count; a topic made by a consumer
    // that started first would have the broker's default count, and capture would refuse it.
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(config.apply().batchRows()));
    // A batch never holds more than these bytes (one oversized change still gets through alone).
    p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(config.apply().batchBytes()));
    p.put(
        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
        Integer.toString(config.apply().batchBytes()));
    p.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "262144");
    p.put(
        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
        Long.toString(config.apply().batchLinger().toMillis()));
    // Values are decoded where the consumer holds them (no copy per record); keys are not read.
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteBufferDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteBufferDeserializer.class.getName());
    return new KafkaConsumer<>(p);
  }
}
