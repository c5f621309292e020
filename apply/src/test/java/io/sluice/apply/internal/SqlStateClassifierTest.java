package io.sluice.apply.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.apply.internal.SqlStateClassifier.Action;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SqlStateClassifierTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    // connection exceptions
    "08000, RETRY",
    "08001, RETRY",
    "08006, RETRY",
    // serialization failure, deadlock
    "40001, RETRY",
    "40P01, RETRY",
    // admin shutdown, crash shutdown, cannot connect now
    "57P01, RETRY",
    "57P02, RETRY",
    "57P03, RETRY",
    // too many connections
    "53300, RETRY",
    // statement timeout (query_canceled)
    "57014, RETRY",
    // data exceptions and integrity violations
    "22P02, BAD_DATA",
    "22003, BAD_DATA",
    "22008, BAD_DATA",
    "23505, BAD_DATA",
    "23502, BAD_DATA",
    // authentication, syntax and access: retrying cannot help
    "28P01, FATAL",
    "28000, FATAL",
    "42P01, FATAL",
    "42501, FATAL",
    "42703, FATAL",
    // anything else stops the group
    "53100, FATAL",
    "XX000, FATAL",
    "40002, FATAL"
  })
  void classifiesBySqlState(String state, Action expected) {
    assertThat(SqlStateClassifier.classify(new SQLException("boom", state))).isEqualTo(expected);
  }

  @Test
  void anErrorWithoutSqlStateIsFatal() {
    assertThat(SqlStateClassifier.classify(new SQLException("no state"))).isEqualTo(Action.FATAL);
  }

  @Test
  void aTransientExceptionIsRetriedWhateverItsState() {
    assertThat(SqlStateClassifier.classify(new SQLTransientConnectionException("pool")))
        .isEqualTo(Action.RETRY);
    assertThat(SqlStateClassifier.classify(new SQLTransientConnectionException("x", "42P01")))
        .isEqualTo(Action.RETRY);
  }
}
