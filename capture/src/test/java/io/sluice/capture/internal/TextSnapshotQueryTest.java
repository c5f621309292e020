package io.sluice.capture.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.debezium.snapshot.spi.SnapshotQuery;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class TextSnapshotQueryTest {

  @Test
  void readsEveryColumnAsTextUnderItsOwnName() {
    assertThat(
            new TextSnapshotQuery()
                .snapshotQuery("\"Odd Schema\".\"t\"", List.of("\"id\"", "\"a \"\"b\"\"\"")))
        .hasValue(
            "SELECT \"id\"::text AS \"id\", \"a \"\"b\"\"\"::text AS \"a \"\"b\"\"\""
                + " FROM \"Odd Schema\".\"t\"");
  }

  @Test
  void aTableWithoutColumnsIsLeftToDebezium() {
    assertThat(new TextSnapshotQuery().snapshotQuery("\"t\"", List.of())).isEmpty();
  }

  @Test
  void debeziumFindsItByName() {
    assertThat(ServiceLoader.load(SnapshotQuery.class))
        .anySatisfy(
            q -> {
              assertThat(q).isInstanceOf(TextSnapshotQuery.class);
              assertThat(q.name()).isEqualTo(TextSnapshotQuery.NAME);
            });
  }
}
