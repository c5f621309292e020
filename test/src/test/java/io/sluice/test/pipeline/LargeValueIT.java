package io.sluice.test.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.capture.CaptureSingleton;
import io.sluice.embedded.TestIsolation;
import io.sluice.test.pipeline.ExpectedTable.Compared;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;

/**
 * Large values (a bytea of ten million bytes, whose hex text is twice that, and a 1,000-digit
 * numeric) go through the whole pipeline, by snapshot and by stream, including an update that
 * leaves the large value out of the WAL.
 */
class LargeValueIT {
  /**
   * The largest bytea the change event codec reads today: Jackson's default limit on a string is
   * twenty million characters, and a bytea of n bytes travels as {@code \x} and 2n hex digits.
   */
  private static final int LARGEST_READ_BYTES = 9_999_999;

  private static final int TEN_MIB = 10 * 1024 * 1024;

  private static final int EIGHT_MIB = 8 * 1024 * 1024;

  private static final String THOUSAND_DIGITS =
      "('-' || repeat('9', 700) || '.' || repeat('1', 300))::numeric";

  @Test
  void tenMegabyteByteaAndThousandDigitNumericBySnapshotAndStream() throws Exception {
    roundTrip(LARGEST_READ_BYTES);
  }

  @Test
  void tenMebibyteBytea() throws Exception {
    roundTrip(TEN_MIB);
  }

  @Test
  void underAnEightMebibyteLimitTheTopicTakesItAndALargerChangeStopsCaptureNamingItsTable()
      throws Exception {
    try (TestIsolation slice = TestIsolation.create("message limit");
        PipelineFixture pipeline =
            new PipelineFixture(
                slice,
                "- name: large\n  tables: [large]\n  partitions: 1\n",
                Map.of("SLUICE_KAFKA_MAX_MESSAGE_BYTES", Integer.toString(EIGHT_MIB)));
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget()) {
      ExpectedTable large = new ExpectedTable(source, target, "large");
      // 3 MB of bytes travel as 6 MB of hex: under the limit
      String fits = "INSERT INTO {t} VALUES (1, " + noise(3_000_000) + ", 1, 'a')";
      large.onSource("CREATE TABLE {t} (id int PRIMARY KEY, b bytea, n numeric, note text)", fits);
      CaptureSingleton capture = pipeline.startCapture();
      pipeline.startApply();
      large.create();
      large.onExpected(fits);
      large.awaitSame(pipeline, List.of(new Compared("b", true)));

      String topic = pipeline.config.topicOf(pipeline.config.group("large"));
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      try (Admin admin = Admin.create(pipeline.config.kafka().clientProperties())) {
        assertThat(
                admin
                    .describeConfigs(List.of(resource))
                    .all()
                    .get()
                    .get(resource)
                    .get("max.message.bytes")
                    .value())
            .isEqualTo(Integer.toString(EIGHT_MIB));
      }

      // 5 MB travel as 10 MB: Kafka refuses it, and capture stops saying which change it was
      large.onSource("INSERT INTO {t} VALUES (2, " + noise(5_000_000) + ", 2, 'b')");
      await().atMost(Duration.ofSeconds(60)).until(() -> capture.failure().isPresent());
      assertThat(capture.failure().get())
          .hasMessageContaining("Kafka did not take a change of ")
          .hasMessageContaining("large")
          .hasRootCauseInstanceOf(RecordTooLargeException.class);
    }
  }

  /** Zero and 0xff bytes, which compress. */
  private static String zeros(int bytes) {
    return "decode(repeat('00ff', " + bytes / 2 + ") || repeat('00', " + bytes % 2 + "), 'hex')";
  }

  /** Bytes that do not compress, so they are stored out of line. */
  private static String noise(int bytes) {
    return "(SELECT substring(decode(string_agg(md5(i::text), ''), 'hex') for "
        + bytes
        + ") FROM generate_series(1, "
        + (bytes / 16 + 1)
        + ") i)";
  }

  private static void roundTrip(int bytes) throws Exception {
    try (TestIsolation slice = TestIsolation.create("large values");
        PipelineFixture pipeline =
            new PipelineFixture(slice, "- name: large\n  tables: [large]\n  partitions: 1\n");
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget()) {
      ExpectedTable large = new ExpectedTable(source, target, "large");
      String first =
          "INSERT INTO {t} VALUES (1, " + zeros(bytes) + ", " + THOUSAND_DIGITS + ", 'a')";
      large.onSource("CREATE TABLE {t} (id int PRIMARY KEY, b bytea, n numeric, note text)", first);
      pipeline.startCapture();
      pipeline.startApply();
      large.create();
      large.onExpected(first);
      List<Compared> columns =
          List.of(new Compared("b", true), new Compared("n", true), new Compared("note", true));
      large.awaitSame(pipeline, columns);

      large.onBoth(
          "INSERT INTO {t} VALUES (2, " + noise(bytes) + ", " + THOUSAND_DIGITS + " * 3, 'b')",
          "UPDATE {t} SET b = substring(b for "
              + (bytes - 1)
              + ") || '\\x01'::bytea,"
              + " note = 'changed' WHERE id = 1",
          // the large value stays out of the WAL record
          "UPDATE {t} SET note = 'noted' WHERE id = 2");
      large.awaitSame(pipeline, columns);
    }
  }
}
