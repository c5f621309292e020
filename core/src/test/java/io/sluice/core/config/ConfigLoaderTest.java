package io.sluice.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sluice.core.ConfigException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
  private static final String FULL =
      """
      pipeline:
        name: orders
      source:
        host: src.cluster-abc.eu-west-1.rds.amazonaws.com
        port: 5433
        database: trading
        user: sluice_capture
        password: file-source-pw
        slot: orders_slot
        publication: orders_pub
      target:
        host: dst.cluster-def.eu-west-1.rds.amazonaws.com
        port: 6432
        database: reporting
        user: sluice_apply
        password: file-target-pw
        pool-size: 12
      kafka:
        bootstrap-servers: b-1.msk:9098,b-2.msk:9098
        topic-prefix: cdc.orders
        replication-factor: 2
        properties:
          security.protocol: SASL_SSL
          sasl.jaas.config: org.example.Login required password="kafka-jaas-pw";
      dynamodb:
        region: eu-west-1
        endpoint: http://127.0.0.1:8000
        table-prefix: prod-orders-
        local-credentials: true
      capture:
        heartbeat-interval: PT5S
      apply:
        batch:
          rows: 1000
          linger: 50ms
      groups:
        - name: fills
          tables: [public.fills, trades]
          partitions: 12
        - name: reference
          tables: public.ref_*
          partitions: 2
      """;

  private static final String MINIMAL =
      """
      pipeline: {name: orders}
      source: {host: src, database: trading, user: cap}
      target: {host: dst, database: reporting, user: app}
      kafka: {bootstrap-servers: "localhost:9092"}
      groups:
        - name: fills
          tables: [fills]
      """;

  @Test
  void bindsEveryFieldOfAFullFile() {
    PipelineConfig c = parse(FULL, Map.of());

    assertThat(c.name()).isEqualTo("orders");
    assertThat(c.source())
        .isEqualTo(
            new SourceConfig(
                "src.cluster-abc.eu-west-1.rds.amazonaws.com",
                5433,
                "trading",
                "sluice_capture",
                new Secret("file-source-pw"),
                "orders_slot",
                "orders_pub"));
    assertThat(c.source().jdbcUrl())
        .isEqualTo("jdbc:postgresql://src.cluster-abc.eu-west-1.rds.amazonaws.com:5433/trading");
    assertThat(c.target())
        .isEqualTo(
            new TargetConfig(
                "dst.cluster-def.eu-west-1.rds.amazonaws.com",
                6432,
                "reporting",
                "sluice_apply",
                new Secret("file-target-pw"),
                OptionalInt.of(12),
                false));
    assertThat(c.kafka().bootstrapServers()).isEqualTo("b-1.msk:9098,b-2.msk:9098");
    assertThat(c.kafka().topicPrefix()).isEqualTo("cdc.orders");
    assertThat(c.kafka().replicationFactor()).isEqualTo(2);
    assertThat(c.kafka().properties())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.jaas.config", "org.example.Login required password=\"kafka-jaas-pw\";"));
    assertThat(c.dynamoDb())
        .isEqualTo(
            new DynamoDbConfig(
                "eu-west-1",
                Optional.of(URI.create("http://127.0.0.1:8000")),
                "prod-orders-",
                true));
    assertThat(c.capture().heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.apply()).isEqualTo(applyWithDefaults(1000, Duration.ofMillis(50)));
    assertThat(c.groups())
        .containsExactly(
            new GroupConfig(
                "fills", List.of(new TablePattern("public.fills"), new TablePattern("trades")), 12),
            new GroupConfig("reference", List.of(new TablePattern("public.ref_*")), 2));
    assertThat(c.topicOf(c.group("reference"))).isEqualTo("cdc.orders.reference");
    assertThat(c.targetPoolSize(c.group("fills"))).isEqualTo(12);
    assertThat(c.targetPoolSize(c.group("reference"))).isEqualTo(12);
  }

  @Test
  void bindsApplyPoliciesAndGroupOverrides() {
    String yaml =
        """
        pipeline: {name: orders}
        source: {host: src, database: trading, user: cap}
        target: {host: dst, database: reporting, user: app}
        kafka: {bootstrap-servers: "localhost:9092"}
        apply:
          batch: {rows: 200, bytes: 1048576, linger: 1s}
          truncate: ignore
          on-bad-data: dead-letter
        groups:
          - name: fills
            tables: [fills]
            truncate: halt
            key-columns:
              audit_log: "at, seq"
              public.notes: [id]
            exclude-columns:
              '"Order Book"': "trader notes, raw_fix"
          - name: refs
            tables: [public.ref_*]
            on-bad-data: halt
        """;

    PipelineConfig c = parse(yaml, Map.of("SLUICE_APPLY_TRUNCATE", "apply"));

    assertThat(c.apply())
        .isEqualTo(
            new ApplyConfig(
                200,
                1_048_576,
                Duration.ofSeconds(1),
                TruncatePolicy.APPLY,
                BadDataPolicy.DEAD_LETTER,
                Duration.ofSeconds(15),
                Duration.ofSeconds(1),
                Duration.ofMillis(200)));
    GroupConfig fills = c.group("fills");
    assertThat(c.truncatePolicy(fills)).isEqualTo(TruncatePolicy.HALT);
    assertThat(c.badDataPolicy(fills)).isEqualTo(BadDataPolicy.DEAD_LETTER);
    assertThat(fills.keyColumns())
        .containsExactly(
            Map.entry("public.audit_log", List.of("at", "seq")),
            Map.entry("public.notes", List.of("id")));
    assertThat(fills.excludedColumns("public.Order Book"))
        .containsExactly("trader notes", "raw_fix");
    assertThat(fills.excludedColumns("public.notes")).isEmpty();
    GroupConfig refs = c.group("refs");
    assertThat(c.truncatePolicy(refs)).isEqualTo(TruncatePolicy.APPLY);
    assertThat(c.badDataPolicy(refs)).isEqualTo(BadDataPolicy.HALT);
  }

  @Test
  void bindsQueryCaptureWithEachTablesMode() {
    String yaml =
        """
        pipeline: {name: warehouse}
        source: {host: gp, database: dw, user: cap}
        target: {host: dst, database: reporting, user: app}
        kafka: {bootstrap-servers: "localhost:9092"}
        capture:
          method: query
          query: {poll-interval: 2s, lookback: 10m, lookback-ids: 3, diff-interval: 1h}
        groups:
          - name: facts
            tables: [fills, quotes, ref_*]
            watermark: {fills: updated_at}
            append-only: {public.quotes: load_id}
            diff-interval: 30m
        """;

    PipelineConfig c = parse(yaml, Map.of());

    assertThat(c.capture().method()).isEqualTo(CaptureMethod.QUERY);
    assertThat(c.capture().query())
        .isEqualTo(
            new QueryConfig(Duration.ofSeconds(2), Duration.ofMinutes(10), 3, Duration.ofHours(1)));
    QueryTables q = c.group("facts").query();
    assertThat(q.mode("public.fills")).isEqualTo(QueryMode.WATERMARK);
    assertThat(q.mode("public.quotes")).isEqualTo(QueryMode.APPEND_ONLY);
    assertThat(q.mode("public.ref_fx")).isEqualTo(QueryMode.DIFF);
    assertThat(q.watermarkColumn("public.quotes")).contains("load_id");
    assertThat(q.watermarkColumn("public.ref_fx")).isEmpty();
    assertThat(q.diffInterval()).contains(Duration.ofMinutes(30));
  }

  @Test
  void defaultsToLogCaptureAndRefusesQueryCaptureWithoutTheCopyLoadOrWithOneTableInTwoModes() {
    assertThat(parse(MINIMAL, Map.of()).capture().method()).isEqualTo(CaptureMethod.LOG);
    String yaml =
        """
        pipeline: {name: warehouse}
        source: {host: gp, database: dw, user: cap}
        target: {host: dst, database: reporting, user: app}
        kafka: {bootstrap-servers: "localhost:9092"}
        capture: {method: query, initial-load: kafka}
        groups:
          - name: facts
            tables: [fills]
            watermark: {fills: updated_at}
            append-only: {fills: "load_id, updated_at"}
        """;

    ConfigException e = failure(yaml, Map.of());

    assertThat(e.problems())
        .containsExactlyInAnyOrder(
            "capture.method query loads tables with the copy load only: set"
                + " capture.initial-load to copy",
            "group 'facts': append-only of public.fills must name one watermark column, not"
                + " [load_id, updated_at]");
  }

  @Test
  void twoRegionsNeedTheRegionAndThePrimaryTogether() {
    PipelineConfig one = parse(MINIMAL, Map.of());
    assertThat(one.region()).isEqualTo(RegionConfig.SINGLE);
    assertThat(one.region().twoRegions()).isFalse();

    PipelineConfig two =
        parse(MINIMAL + "region: {name: eu-central-1, primary: eu-west-1}\n", Map.of());
    assertThat(two.region())
        .isEqualTo(new RegionConfig(Optional.of("eu-central-1"), Optional.of("eu-west-1")));
    assertThat(two.region().twoRegions()).isTrue();

    assertThat(failure(MINIMAL + "region: {name: eu-central-1}\n", Map.of()).problems())
        .containsExactly(
            "region.name and region.primary go together: set both for a pipeline run in two"
                + " regions, or neither");
  }

  @Test
  void mskIamAuthSetsEveryClientsSaslSettingsAndRefusesConflictingProperties() {
    PipelineConfig c =
        parse(
            MINIMAL.replace(
                "kafka: {bootstrap-servers: \"localhost:9092\"}",
                "kafka: {bootstrap-servers: \"b-1.msk:9098\", auth: iam,"
                    + " properties: {client.dns.lookup: use_all_dns_ips}}"),
            Map.of());

    java.util.Properties p = c.kafka().clientProperties();
    assertThat(p)
        .containsEntry("bootstrap.servers", "b-1.msk:9098")
        .containsEntry("client.dns.lookup", "use_all_dns_ips")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "AWS_MSK_IAM")
        .containsEntry("sasl.jaas.config", "software.amazon.msk.auth.iam.IAMLoginModule required;")
        .containsEntry(
            "sasl.client.callback.handler.class",
            "software.amazon.msk.auth.iam.IAMClientCallbackHandler");
    assertThat(parse(MINIMAL, Map.of()).kafka().clientProperties())
        .doesNotContainKeys("security.protocol", "sasl.mechanism");

    ConfigException e =
        failure(
            MINIMAL.replace(
                "kafka: {bootstrap-servers: \"localhost:9092\"}",
                "kafka: {bootstrap-servers: \"b-1.msk:9098\", auth: iam, properties:"
                    + " {security.protocol: SASL_SSL, sasl.mechanism: SCRAM-SHA-512}}"),
            Map.of());
    assertThat(e.problems())
        .containsExactly(
            "kafka.properties sets sasl.mechanism, which kafka.auth iam sets itself; remove it,"
                + " or set kafka.auth to none and spell the settings out",
            "kafka.properties sets security.protocol, which kafka.auth iam sets itself; remove"
                + " it, or set kafka.auth to none and spell the settings out");
  }

  @Test
  void takesDatabasePasswordsFromIamTokensOrSecretsManagerWhenAsked() {
    List<String> asked = new ArrayList<>();
    CredentialSources recording =
        new CredentialSources() {
          @Override
          public SecretSource iamToken(String region, String host, int port, String user) {
            asked.add("iam " + region + " " + host + ":" + port + " " + user);
            return () -> "token-for-" + user;
          }

          @Override
          public SecretSource secret(String region, String secretId) {
            asked.add("secret " + region + " " + secretId);
            return () -> "from-" + secretId;
          }
        };
    String yaml =
        MINIMAL
            .replace(
                "source: {host: src, database: trading, user: cap}",
                "source: {host: db.cluster-abc.eu-west-1.rds.amazonaws.com, database: trading,"
                    + " user: cap, auth: iam}")
            .replace(
                "target: {host: dst, database: reporting, user: app}",
                "target: {host: dst, database: reporting, user: app, password-secret:"
                    + " 'arn:aws:secretsmanager:ap-south-1:123456789012:secret:sluice-target'}");

    PipelineConfig c = new ConfigLoader(Map.of(), recording).parse(yaml, "pipeline.yaml");

    assertThat(asked)
        .containsExactly(
            "iam eu-west-1 db.cluster-abc.eu-west-1.rds.amazonaws.com:5432 cap",
            "secret ap-south-1 arn:aws:secretsmanager:ap-south-1:123456789012:secret:sluice-target");
    assertThat(c.source().password().value()).isEqualTo("token-for-cap");
    assertThat(c.target().password().value())
        .isEqualTo("from-arn:aws:secretsmanager:ap-south-1:123456789012:secret:sluice-target");
    assertThat(c.source().password())
        .hasToString(
            "(IAM token for cap@db.cluster-abc.eu-west-1.rds.amazonaws.com:5432 in eu-west-1)")
        .as("read again, the configuration is the same")
        .isEqualTo(
            new ConfigLoader(Map.of(), recording).parse(yaml, "pipeline.yaml").source().password());

    // A host that names no region, and a secret by name, take dynamodb.region.
    asked.clear();
    new ConfigLoader(Map.of(), recording)
        .parse(
            MINIMAL
                .replace("user: cap}", "user: cap, auth: iam}")
                .replace("user: app}", "user: app, password-secret: sluice/target}")
                .replace("kafka:", "dynamodb: {region: eu-central-1}\nkafka:"),
            "pipeline.yaml");
    assertThat(asked)
        .containsExactly("iam eu-central-1 src:5432 cap", "secret eu-central-1 sluice/target");
  }

  @Test
  void refusesTwoSourcesForOnePassword() {
    ConfigException e =
        failure(
            MINIMAL
                .replace("user: cap}", "user: cap, auth: iam}")
                .replace(
                    "user: app}", "user: app, password-secret: sluice/target, auth: kerberos}"),
            Map.of("SLUICE_SOURCE_PASSWORD", "pw", "SLUICE_TARGET_PASSWORD", "pw"));
    assertThat(e.problems())
        .containsExactly(
            "source.auth is iam, which signs in with a token; remove source.password"
                + " (SLUICE_SOURCE_PASSWORD)",
            "target.auth must be one of [password, iam], not 'kerberos'",
            "target has both target.password and target.password-secret; keep one");
  }

  @Test
  void aConfigurationThatNeedsAwsFailsAtFirstUseWhereAwsIsNotAvailable() {
    PipelineConfig c = parse(MINIMAL.replace("user: cap}", "user: cap, auth: iam}"), Map.of());

    assertThatThrownBy(() -> c.source().password().value())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("IAM database authentication is not available in this command");
  }

  @Test
  void defaultsApplyPoliciesToApplyAndHalt() {
    PipelineConfig c = parse(MINIMAL, Map.of());

    assertThat(c.apply().truncate()).isEqualTo(TruncatePolicy.APPLY);
    assertThat(c.apply().onBadData()).isEqualTo(BadDataPolicy.HALT);
    assertThat(c.apply().batchBytes()).isEqualTo(4 * 1024 * 1024);
    assertThat(c.group("fills").keyColumns()).isEmpty();
  }

  @Test
  void bindsAlertThresholdsWithGroupOverrides() {
    PipelineConfig defaults = parse(MINIMAL, Map.of());
    assertThat(defaults.alerts())
        .isEqualTo(
            new AlertConfig(Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(1)));
    assertThat(defaults.lagAlert(defaults.group("fills"))).isEqualTo(Duration.ofMinutes(5));

    PipelineConfig c =
        parse(
            MINIMAL.replace(
                    "tables: [fills]", "tables: [fills]\n    alert-lag: 90s\n    alert-paused: 3s")
                + "alerts: {lag-critical: 10m, paused: 2h}\n",
            Map.of());
    assertThat(c.lagAlert(c.group("fills"))).isEqualTo(Duration.ofSeconds(90));
    assertThat(c.pausedAlert(c.group("fills"))).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.alerts().lagCritical()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.alerts().paused()).isEqualTo(Duration.ofHours(2));
  }

  @Test
  void refusesAlertThresholdsThatCannotWork() {
    String yaml =
        MINIMAL.replace(
                "tables: [fills]", "tables: [fills]\n    alert-lag: 1h\n    alert-paused: 0s")
            + "alerts: {lag-critical: 30m}\n";

    ConfigException e = failure(yaml, Map.of());

    assertThat(e.problems())
        .containsExactlyInAnyOrder(
            "group 'fills': alert-paused must be longer than 0, not '0s'",
            "group 'fills': its lag alert (PT1H) must be below alerts.lag-critical (PT30M)");
  }

  @Test
  void refusesZeroForTheLeaseTimeoutsAndTheControlPoll() {
    String yaml =
        MINIMAL
            + "capture: {lease-timeout: 0s}\n"
            + "apply: {lease-timeout: 0s, control-poll: 0s, batch: {linger: 0s}}\n";

    ConfigException e = failure(yaml, Map.of());

    assertThat(e.problems())
        .containsExactlyInAnyOrder(
            "capture.lease-timeout must be longer than 0, not '0s'",
            "apply.lease-timeout must be longer than 0, not '0s'",
            "apply.control-poll must be longer than 0, not '0s'");
  }

  @Test
  void reportsUnknownPoliciesAndEmptyKeyColumns() {
    String yaml =
        MINIMAL.replace(
                "tables: [fills]",
                "tables: [fills]\n    truncate: drop\n    key-columns: {t: ''}\n    exclude-columns: [t]")
            + "apply: {on-bad-data: skip, batch: {bytes: 10}}\n";

    ConfigException e = failure(yaml, Map.of());

    assertThat(e.problems())
        .containsExactlyInAnyOrder(
            "apply.batch.bytes is 10 but must be between 65536 and 2147483647",
            "apply.on-bad-data must be one of [halt, dead-letter], not 'skip'",
            "group 'fills': truncate must be one of [apply, ignore, halt], not 'drop'",
            "group 'fills': key-columns of t must list column names, as `col1,col2`",
            "group 'fills': exclude-columns must map `schema.table` to `col1,col2`");
  }

  @Test
  void fillsDefaultsAndDerivesNamesFromThePipelineName() {
    PipelineConfig c = parse(MINIMAL, Map.of());

    assertThat(c.source().port()).isEqualTo(5432);
    assertThat(c.source().password().isEmpty()).isTrue();
    assertThat(c.source().slot()).isEqualTo("sluice_orders");
    assertThat(c.source().publication()).isEqualTo("sluice_orders");
    assertThat(c.target().port()).isEqualTo(5432);
    assertThat(c.target().poolSize()).isEmpty();
    assertThat(c.targetPoolSize(c.group("fills"))).isEqualTo(1);
    assertThat(c.kafka().topicPrefix()).isEqualTo("sluice.orders");
    assertThat(c.kafka().replicationFactor()).isEqualTo(3);
    assertThat(c.kafka().properties()).isEmpty();
    assertThat(c.dynamoDb())
        .isEqualTo(new DynamoDbConfig("us-east-1", Optional.empty(), "sluice-orders-", false));
    assertThat(c.capture().heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.apply()).isEqualTo(applyWithDefaults(5000, Duration.ofMillis(20)));
    assertThat(c.groups())
        .containsExactly(new GroupConfig("fills", List.of(new TablePattern("fills")), 1));
    assertThat(c.topicOf(c.group("fills"))).isEqualTo("sluice.orders.fills");
  }

  @ParameterizedTest
  @CsvSource({"200ms, PT0.2S", "10s, PT10S", "5m, PT5M", "1h, PT1H", "PT5S, PT5S", "0s, PT0S"})
  void readsDurationsInShortAndIsoForm(String text, String expected) {
    PipelineConfig c = parse(MINIMAL + "capture: {heartbeat-interval: " + text + "}\n", Map.of());

    assertThat(c.capture().heartbeatInterval()).isEqualTo(Duration.parse(expected));
  }

  @ParameterizedTest
  @CsvSource({"PT0.2S, 200ms", "PT10S, 10s", "PT5M, 5m", "PT1H, 1h", "PT90S, 90s", "PT0S, 0ms"})
  void writesDurationsAsTheyAreRead(String iso, String expected) {
    assertThat(Durations.format(Duration.parse(iso))).isEqualTo(expected);
    assertThat(Durations.parse(expected)).isEqualTo(Duration.parse(iso));
  }

  @Test
  void environmentOverridesTheFile() {
    PipelineConfig c =
        parse(
            FULL,
            Map.of(
                "SLUICE_APPLY_BATCH_ROWS", "42",
                "SLUICE_SOURCE_PASSWORD", "env-source-pw",
                "SLUICE_CAPTURE_HEARTBEAT_INTERVAL", "3s",
                "SLUICE_JAVA_OPTS", "-Xmx1g",
                "PATH", "/usr/bin"));

    assertThat(c.apply().batchRows()).isEqualTo(42);
    assertThat(c.source().password().value()).isEqualTo("env-source-pw");
    assertThat(c.capture().heartbeatInterval()).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.target().password().value()).isEqualTo("file-target-pw");
  }

  @Test
  void environmentSuppliesRequiredKeysMissingFromTheFile() {
    String noTargetHost = MINIMAL.replace("target: {host: dst, ", "target: {");

    PipelineConfig c = parse(noTargetHost, Map.of("SLUICE_TARGET_HOST", "from-env"));

    assertThat(c.target().host()).isEqualTo("from-env");
  }

  @Test
  void reportsEveryProblemTogetherEachWithItsOwnMessage() {
    String yaml =
        """
        pipeline:
          name: orders
        source:
          host: src
          port: 70000
          database: trading
          user: cap
        target:
          host: dst
          port: abc
          user: app
        kafka:
          bootstrap-servers: localhost:9092
          topic-prefx: cdc
        apply:
          batch:
            linger: 5 seconds
        colour: red
        groups:
          - name: fills
            tables: [fills]
            partitions: 0
          - name: fills
            tables: [public.orders]
          - name: Bad Name!
            tables: [public.trades]
          - name: ledger
            tables: [public.fills]
          - name: empty
            tables: []
          - name: refs
            tables: [public.ref_*]
            partitons: 2
        """;

    ConfigException e = failure(yaml, Map.of("SLUICE_APPLY_BATCH_ROW", "42"));

    assertThat(e.problems())
        .containsExactlyInAnyOrder(
            "unknown key 'kafka.topic-prefx' (did you mean 'kafka.topic-prefix'?)",
            "unknown key 'colour' (see docs/configuration.md)",
            "environment variable SLUICE_APPLY_BATCH_ROW matches no configuration key"
                + " (see docs/configuration.md for the variable of each key)",
            "source.port is 70000 but must be between 1 and 65535",
            "target.port must be a whole number, not 'abc'",
            "target.database is required (or set SLUICE_TARGET_DATABASE)",
            "apply.batch.linger must be a duration such as 200ms, 10s, 5m, 1h or PT10S,"
                + " not '5 seconds'",
            "group 'fills': partitions must be a whole number from 1 to 1024",
            "groups: the name 'fills' is used by more than one group",
            "groups[2].name 'Bad Name!' may hold only lowercase letters, digits, _ and -",
            "table public.fills is in groups 'fills' and 'ledger'; a table belongs to one group",
            "group 'empty': tables must list at least one table name or pattern",
            "unknown key 'groups[5].partitons' (did you mean 'partitions'?)");
    assertThat(e.getMessage())
        .startsWith("invalid configuration (13 problems):")
        .contains("  - source.port is 70000");
  }

  @Test
  void targetPoolSizeDefaultsToEachGroupsPartitions() {
    PipelineConfig c = parse(FULL.replace("  pool-size: 12\n", ""), Map.of());

    assertThat(c.target().poolSize()).isEmpty();
    assertThat(c.targetPoolSize(c.group("fills"))).isEqualTo(12);
    assertThat(c.targetPoolSize(c.group("reference"))).isEqualTo(2);
  }

  @Test
  void refusesATargetPoolSizeBelowTheNamedGroupsPartitions() {
    String yaml =
        FULL.replace("  pool-size: 12\n", "  pool-size: 4\n")
            + "  - name: ledger\n"
            + "    tables: [public.ledger]\n"
            + "    partitions: 100\n";

    ConfigException e = failure(yaml, Map.of("SLUICE_APPLY_BATCH_ROWS", "0"));

    assertThat(e.problems())
        .containsExactlyInAnyOrder(
            "apply.batch.rows is 0 but must be between 1 and 1000000",
            "target.pool-size is 4 but group 'fills' has 12 partitions, each holding a target"
                + " connection while it writes: set it to at least 12, or leave it unset so that"
                + " each group's pool has one connection per partition",
            "target.pool-size is 4 but group 'ledger' has 100 partitions, each holding a target"
                + " connection while it writes: leave it unset so that each group's pool has one"
                + " connection per partition");
  }

  @Test
  void refusesATargetPoolSizeFromTheEnvironmentBelowAGroupsPartitions() {
    String twoPartitions = MINIMAL.replace("tables: [fills]", "tables: [fills]\n    partitions: 2");

    assertThat(parse(twoPartitions, Map.of("SLUICE_TARGET_POOL_SIZE", "2")).target().poolSize())
        .hasValue(2);
    assertThat(failure(twoPartitions, Map.of("SLUICE_TARGET_POOL_SIZE", "1")).problems())
        .containsExactly(
            "target.pool-size is 1 but group 'fills' has 2 partitions, each holding a target"
                + " connection while it writes: set it to at least 2, or leave it unset so that"
                + " each group's pool has one connection per partition");
  }

  @Test
  void refusesValuesThatBreakTheirKeysRule() {
    String yaml =
        MINIMAL
            .replace("pipeline: {name: orders}", "pipeline: {name: Orders}")
            .replace(
                "tables: [fills]", "tables: [fills]\n    alert-lag: soon\n    on-bad-data: skip");

    ConfigException e =
        failure(
            yaml,
            Map.of(
                "SLUICE_KAFKA_REPLICATION_FACTOR", "33",
                "SLUICE_ADMIN_PORT", "-1",
                "SLUICE_APPLY_BATCH_ROWS", "0",
                "SLUICE_TARGET_POOL_SIZE", "65",
                "SLUICE_APPLY_CONTROL_POLL", "PT-1S"));

    assertThat(e.problems())
        .containsExactlyInAnyOrder(
            "pipeline.name 'Orders' must start with a lowercase letter and hold only lowercase"
                + " letters, digits and _ (at most 48)",
            "kafka.replication-factor is 33 but must be between 1 and 32",
            "admin.port is -1 but must be between 0 and 65535",
            "apply.batch.rows is 0 but must be between 1 and 1000000",
            "target.pool-size is 65 but must be between 1 and 64",
            "apply.control-poll must be longer than 0, not 'PT-1S'",
            "group 'fills': alert-lag must be a duration such as 200ms, 10s, 5m, 1h or PT10S,"
                + " not 'soon'",
            "group 'fills': on-bad-data must be one of [halt, dead-letter], not 'skip'");
  }

  @Test
  void defaultsSequencesAndCutoverSettings() {
    PipelineConfig c = parse(MINIMAL, Map.of());

    assertThat(c.sequences())
        .isEqualTo(new SequencesConfig(Duration.ofMinutes(1), 1000, List.of()));
    assertThat(c.cutover())
        .isEqualTo(
            new CutoverConfig(
                Duration.ofSeconds(5),
                Duration.ofSeconds(10),
                List.of(),
                Duration.ofMinutes(10),
                true));
    assertThat(c.target().replicaRole()).isFalse();
  }

  @Test
  void bindsSequencesAndCutoverFromTheFileAndTheEnvironment() {
    String yaml =
        MINIMAL
            + """
            sequences:
              interval: 0s
              margin: 50000
              include: [public.invoice_no, Billing.Ref_Seq, ticket_seq]
            cutover:
              max-lag: 2s
              quiet: 30s
              revoke-writes-from: app_writer
              timeout: 15m
              reverse-replica-role: false
            """;

    PipelineConfig c = parse(yaml, Map.of("SLUICE_SEQUENCES_MARGIN", "7"));

    assertThat(c.sequences())
        .isEqualTo(
            new SequencesConfig(
                Duration.ZERO, 7, List.of("public.invoice_no", "Billing.Ref_Seq", "ticket_seq")));
    assertThat(c.cutover())
        .isEqualTo(
            new CutoverConfig(
                Duration.ofSeconds(2),
                Duration.ofSeconds(30),
                List.of("app_writer"),
                Duration.ofMinutes(15),
                false));
  }

  @Test
  void refusesBadSequencesAndCutoverValuesNamingTheirKeys() {
    String yaml =
        MINIMAL
            + """
            sequences:
              include: [public.a.b, "x y", "public.\\"Q\\"", "", ok.fine]
            cutover:
              revoke-writes-from: [{role: app}]
            """;

    ConfigException e =
        failure(
            yaml,
            Map.of(
                "SLUICE_SEQUENCES_INTERVAL", "PT-1M",
                "SLUICE_SEQUENCES_MARGIN", "1000000001",
                "SLUICE_CUTOVER_MAX_LAG", "0s",
                "SLUICE_CUTOVER_QUIET", "0s",
                "SLUICE_CUTOVER_TIMEOUT", "later"));

    String form =
        " must be a sequence name written schema.name, or name for schema public, without"
            + " spaces, double quotes or *";
    assertThat(e.problems())
        .containsExactlyInAnyOrder(
            "sequences.interval is PT-1M but must not be negative",
            "sequences.margin is 1000000001 but must be between 0 and 1000000000",
            "sequences.include 'public.a.b'" + form,
            "sequences.include 'x y'" + form,
            "sequences.include 'public.\"Q\"'" + form,
            "sequences.include: every item must be a single, non-blank value",
            "cutover.max-lag must be longer than 0, not '0s'",
            "cutover.quiet must be longer than 0, not '0s'",
            "cutover.timeout must be a duration such as 200ms, 10s, 5m, 1h or PT10S, not 'later'",
            "cutover.revoke-writes-from: every item must be a single, non-blank value");
  }

  @Test
  void refusesANegativeSequenceMarginAndAcceptsZero() {
    assertThat(parse(MINIMAL, Map.of("SLUICE_SEQUENCES_MARGIN", "0")).sequences().margin())
        .isZero();
    assertThat(failure(MINIMAL, Map.of("SLUICE_SEQUENCES_MARGIN", "-1")).problems())
        .containsExactly("sequences.margin is -1 but must be between 0 and 1000000000");
  }

  @Test
  void missingGroupsIsAProblem() {
    String noGroups = MINIMAL.substring(0, MINIMAL.indexOf("groups:"));

    assertThat(failure(noGroups, Map.of()).problems())
        .containsExactly("groups is required: list at least one table group");
  }

  @Test
  void reportsInvalidYamlWithLineAndColumn() {
    String yaml = "source:\n  host: x\n   port: 1\n";

    ConfigException e = failure(yaml, Map.of());

    assertThat(e.problems()).hasSize(1);
    assertThat(e.problems().get(0))
        .startsWith("pipeline.yaml is not valid YAML: ")
        .endsWith("(line 3, column 8)");
  }

  @Test
  void rejectsAKeyWrittenTwiceInsteadOfKeepingTheLast() {
    String yaml = MINIMAL + "apply:\n  batch:\n    rows: 10\n    rows: 20\n";

    ConfigException e = failure(yaml, Map.of());

    assertThat(e.problems())
        .singleElement()
        .asString()
        .contains("Duplicate field 'rows'", "line 11");
  }

  @Test
  void rejectsEmptyItemsInATableListInsteadOfReadingThemAsTableNull() {
    String yaml = MINIMAL.replace("tables: [fills]", "tables:\n      - fills\n      -\n");

    assertThat(failure(yaml, Map.of()).problems())
        .containsExactly("group 'fills': every item of tables must be a table name or pattern");
  }

  @Test
  void rejectsKafkaPropertiesThatAreNotSingleValues() {
    String yaml =
        MINIMAL.replace(
            "kafka: {bootstrap-servers: \"localhost:9092\"}",
            "kafka:\n  bootstrap-servers: localhost:9092\n  properties:\n"
                + "    security.protocol: ~\n    sasl: {mechanism: AWS_MSK_IAM}\n");

    assertThat(failure(yaml, Map.of()).problems())
        .hasSize(2)
        .allSatisfy(p -> assertThat(p).contains("must be a single value"))
        .anySatisfy(p -> assertThat(p).startsWith("kafka.properties.security.protocol "))
        .anySatisfy(p -> assertThat(p).startsWith("kafka.properties.sasl "));
  }

  @ParameterizedTest
  @CsvSource({"99999999999999999999s", "9999999999999999h", "1.5s", "soon"})
  void rejectsDurationsThatDoNotParseOrOverflow(String text) {
    ConfigException e = failure(MINIMAL, Map.of("SLUICE_APPLY_BATCH_LINGER", text));

    assertThat(e.problems())
        .containsExactly(
            "apply.batch.linger must be a duration such as 200ms, 10s, 5m, 1h or PT10S, not '"
                + text
                + "'");
  }

  @Test
  void rejectsNegativeDurations() {
    ConfigException e = failure(MINIMAL, Map.of("SLUICE_CAPTURE_HEARTBEAT_INTERVAL", "PT-5S"));

    assertThat(e.problems())
        .containsExactly("capture.heartbeat-interval is PT-5S but must not be negative");
  }

  @Test
  void reportsAScalarWhereASectionBelongs() {
    ConfigException e = failure(MINIMAL + "apply: 5\n", Map.of());

    assertThat(e.problems())
        .containsExactly("apply must be a mapping of keys such as apply.batch.rows");
  }

  @Test
  void suggestsTheSectionForAMisspeltSection() {
    ConfigException e = failure(MINIMAL + "captur:\n  heartbeat-interval: 5s\n", Map.of());

    assertThat(e.problems()).containsExactly("unknown key 'captur' (did you mean 'capture'?)");
  }

  @Test
  void groupsWithoutNamesAreNotAlsoReportedAsDuplicates() {
    String yaml =
        MINIMAL.replace(
            "  - name: fills\n    tables: [fills]\n", "  - tables: [a]\n  - tables: [b]\n");

    assertThat(failure(yaml, Map.of()).problems())
        .containsExactly("groups[0].name is required", "groups[1].name is required");
  }

  @Test
  void secretsAreMaskedWhereverTheConfigIsPrinted() {
    PipelineConfig c = parse(FULL, Map.of("SLUICE_TARGET_PASSWORD", "env-target-pw-1234"));

    assertThat(new Secret("hunter2")).hasToString("******");
    assertThat(new Secret("")).hasToString("(empty)");
    assertThat(new Secret(null).value()).isEmpty();
    assertThat(c.toString())
        .contains("src.cluster-abc.eu-west-1.rds.amazonaws.com", "******", "SASL_SSL")
        .doesNotContain("file-source-pw", "env-target-pw-1234", "kafka-jaas-pw");
  }

  @Test
  void loadsAFileAndNamesAMissingOne(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("pipeline.yaml"), MINIMAL);
    ConfigLoader loader = new ConfigLoader(Map.of());

    assertThat(loader.load(file).name()).isEqualTo("orders");
    assertThatThrownBy(() -> loader.load(dir.resolve("absent.yaml")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("absent.yaml does not exist");
  }

  /** Apply settings at their documented defaults but for batch rows and linger. */
  private static ApplyConfig applyWithDefaults(int batchRows, Duration batchLinger) {
    return new ApplyConfig(
        batchRows,
        4 * 1024 * 1024,
        batchLinger,
        TruncatePolicy.APPLY,
        BadDataPolicy.HALT,
        Duration.ofSeconds(15),
        Duration.ofSeconds(1),
        Duration.ofMillis(200));
  }

  private static PipelineConfig parse(String yaml, Map<String, String> env) {
    return new ConfigLoader(env).parse(yaml, "pipeline.yaml");
  }

  private static ConfigException failure(String yaml, Map<String, String> env) {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(yaml, env));
    assertThat(e).as("expected a ConfigException, but the configuration was accepted").isNotNull();
    return e;
  }
}
