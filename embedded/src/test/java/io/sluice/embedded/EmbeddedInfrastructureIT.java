package io.sluice.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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

  /** 127.0.0.1 as /proc/net/tcp prints it: the address in host (little-endian) byte order. */
  private static final String LOOPBACK = "0100007F";

  /**
   * ::ffff:127.0.0.1 in /proc/net/tcp6, where Java's dual-stack sockets bound to 127.0.0.1 show.
   */
  private static final String LOOPBACK_IPV4_MAPPED = "0000000000000000FFFF0000" + LOOPBACK;

  private static final Pattern SOCKET_LINK = Pattern.compile("socket:\\[(\\d+)]");

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
  void everyServerListensOnLoopbackOnly() throws IOException {
    String bootstrap = infrastructure.kafka().bootstrapServers();
    assertThat(bootstrap).startsWith("127.0.0.1:");
    int kafkaPort = Integer.parseInt(bootstrap.substring("127.0.0.1:".length()));
    Map<String, Integer> ports = new LinkedHashMap<>();
    ports.put("source PostgreSQL", infrastructure.source().port());
    ports.put("target PostgreSQL", infrastructure.target().port());
    ports.put("Kafka", kafkaPort);
    ports.put("DynamoDB Local", infrastructure.dynamoDb().port());
    for (Map.Entry<String, Integer> server : ports.entrySet()) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", server.getValue()), 5_000);
        assertThat(socket.isConnected()).as(server.getKey() + " accepts on 127.0.0.1").isTrue();
      }
    }

    assertThat(Path.of("/proc/net/tcp")).as("sluice runs on Linux: /proc/net/tcp").isReadable();
    List<ListeningSocket> listening = listeningSockets();
    for (Map.Entry<String, Integer> server : ports.entrySet()) {
      assertThat(listening)
          .filteredOn(socket -> socket.port() == server.getValue())
          .as("%s's listening sockets on port %d", server.getKey(), server.getValue())
          .isNotEmpty()
          .allSatisfy(EmbeddedInfrastructureIT::assertLoopbackOnly);
    }
    // Kafka's controller listener has no public port: check every listening socket of this JVM.
    Set<Long> ownInodes = ownSocketInodes();
    List<ListeningSocket> own =
        listening.stream().filter(socket -> ownInodes.contains(socket.inode())).toList();
    assertThat(own)
        .extracting(ListeningSocket::port)
        .contains(kafkaPort, infrastructure.dynamoDb().port());
    assertThat(own).allSatisfy(EmbeddedInfrastructureIT::assertLoopbackOnly);
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

  private static void assertLoopbackOnly(ListeningSocket socket) {
    assertThat(socket.address())
        .as("local address of %s (127.0.0.1 is %s, the wildcard all zeros)", socket, LOOPBACK)
        .isIn(LOOPBACK, LOOPBACK_IPV4_MAPPED)
        .doesNotMatch("0+");
  }

  /** Every socket in state LISTEN (0A) in /proc/net/tcp and /proc/net/tcp6. */
  private static List<ListeningSocket> listeningSockets() throws IOException {
    List<ListeningSocket> sockets = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path path = Path.of(table);
      if (!Files.isReadable(path)) {
        continue;
      }
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
      List<String> lines = Files.readAllLines(path);
      for (String line : lines.subList(1, lines.size())) {
        String[] fields = line.trim().split("\\s+");
        if (!fields[3].equals("0A")) {
          continue;
        }
        String[] local = fields[1].split(":");
        sockets.add(
            new ListeningSocket(
                table, local[0], Integer.parseInt(local[1], 16), Long.parseLong(fields[9])));
      }
    }
    return sockets;
  }

  /** Inodes of the sockets this JVM has open, from the {@code socket:[inode]} fd links. */
  private static Set<Long> ownSocketInodes() throws IOException {
    try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
      return descriptors
          .map(EmbeddedInfrastructureIT::linkTarget)
          .map(SOCKET_LINK::matcher)
          .filter(Matcher::matches)
          .map(matcher -> Long.parseLong(matcher.group(1)))
          .collect(Collectors.toSet());
    }
  }

  private static String linkTarget(Path descriptor) {
    try {
      return Files.readSymbolicLink(descriptor).toString();
    } catch (IOException e) {
      return ""; // closed since the listing
    }
  }

  private record ListeningSocket(String table, String address, int port, long inode) {}

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
