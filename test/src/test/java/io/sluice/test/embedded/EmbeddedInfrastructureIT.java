package io.sluice.test.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

class EmbeddedInfrastructureIT {

  private final EmbeddedInfrastructure infrastructure = EmbeddedInfrastructure.shared();

  @Test
  void sourceDecodesLogicallyAndTargetDoesNot() throws SQLException {
    assertThat(setting(infrastructure.source(), "wal_level")).isEqualTo("logical");
    assertThat(setting(infrastructure.source(), "max_replication_slots")).isEqualTo("16");
    assertThat(setting(infrastructure.source(), "fsync")).isEqualTo("on");
    assertThat(setting(infrastructure.target(), "wal_level")).isEqualTo("replica");
    assertThat(setting(infrastructure.target(), "listen_addresses")).isEqualTo("127.0.0.1");
    assertThat(infrastructure.startupDuration()).isPositive();
    assertThat(infrastructure.source().dataDirectory()).startsWith(infrastructure.baseDirectory());
  }

  @Test
  void kafkaCreatesProducesAndConsumes() throws ExecutionException, InterruptedException {
    String bootstrap = infrastructure.kafka().bootstrapServers();
    String topic = "infra_it_roundtrip";
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }
    try (var producer =
        new KafkaProducer<>(
            Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            new StringSerializer(),
            new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, "key", "value")).get();
    }
    List<ConsumerRecord<String, String>> received = new ArrayList<>();
    try (var consumer =
        new KafkaConsumer<>(
            Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "infra_it",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(Set.of(topic));
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                return !received.isEmpty();
              });
    }
    assertThat(received)
        .singleElement()
        .satisfies(
            record -> {
              assertThat(record.key()).isEqualTo("key");
              assertThat(record.value()).isEqualTo("value");
            });
  }

  @Test
  void dynamoDbLocalAnswersTheSdk() {
    URI endpoint = infrastructure.dynamoDb().endpoint();
    assertThat(endpoint.getHost()).isEqualTo("127.0.0.1");
    try (DynamoDbClient client =
        DynamoDbClient.builder()
            .endpointOverride(endpoint)
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("dummy", "dummy")))
            .build()) {
      String table = "infra_it_table";
      client.createTable(
          request ->
              request
                  .tableName(table)
                  .billingMode(BillingMode.PAY_PER_REQUEST)
                  .attributeDefinitions(
                      AttributeDefinition.builder()
                          .attributeName("pk")
                          .attributeType(ScalarAttributeType.S)
                          .build())
                  .keySchema(
                      KeySchemaElement.builder()
                          .attributeName("pk")
                          .keyType(KeyType.HASH)
                          .build()));
      assertThat(client.listTables().tableNames()).contains(table);
    }
  }

  @Test
  void isolationGivesDistinctDatabasesAndPrefixes() throws SQLException {
    try (TestIsolation first = TestIsolation.create("Some Test#method(1)");
        TestIsolation second = TestIsolation.create("Some Test#method(1)")) {
      assertThat(first.sourceDatabase()).isNotEqualTo(second.sourceDatabase());
      assertThat(first.targetDatabase()).isNotEqualTo(second.targetDatabase());
      assertThat(first.topicPrefix()).isNotEqualTo(second.topicPrefix());
      assertThat(first.dynamoDbTablePrefix()).isNotEqualTo(second.dynamoDbTablePrefix());
      assertThat(first.sourceDatabase()).matches("some_test_method_1_\\d+_src");
      try (Connection source = first.connectSource();
          Connection target = first.connectTarget();
          Statement statement = source.createStatement()) {
        statement.execute("CREATE TABLE marker (id int PRIMARY KEY)");
        assertThat(currentDatabase(source)).isEqualTo(first.sourceDatabase());
        assertThat(currentDatabase(target)).isEqualTo(first.targetDatabase());
      }
      try (Connection otherSource = second.connectSource()) {
        assertThat(tableExists(otherSource, "marker")).isFalse();
      }
    }
  }

  private static String setting(EmbeddedPostgres server, String name) throws SQLException {
    try (Connection connection = server.connect("postgres");
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SHOW " + name)) {
      result.next();
      return result.getString(1);
    }
  }

  private static String currentDatabase(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT current_database()")) {
      result.next();
      return result.getString(1);
    }
  }

  private static boolean tableExists(Connection connection, String table) throws SQLException {
    try (var statement = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      statement.setString(1, table);
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        return result.getBoolean(1);
      }
    }
  }
}
