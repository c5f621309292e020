package io.sluice.core.error;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SqlStatesTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    // connection exceptions: the server went away or cannot be reached
    "08000, RETRIABLE",
    "08001, RETRIABLE",
    "08006, RETRIABLE",
    // a writer turned read-only: the node a failover left behind
    "25006, RETRIABLE",
    // serialization failure, deadlock, unknown commit outcome
    "40001, RETRIABLE",
    "40P01, RETRIABLE",
    "40003, RETRIABLE",
    // insufficient resources: too many connections, disk full, out of memory
    "53300, RETRIABLE",
    "53100, RETRIABLE",
    "53200, RETRIABLE",
    // lock timeout; a replication slot still held by a dead session
    "55P03, RETRIABLE",
    "55006, RETRIABLE",
    // statement timeout, terminated session, shutdown, starting up, idle session timeout
    "57014, RETRIABLE",
    "57P01, RETRIABLE",
    "57P02, RETRIABLE",
    "57P03, RETRIABLE",
    "57P05, RETRIABLE",
    "58030, RETRIABLE",
    // data exceptions and integrity violations
    "22P02, BAD_DATA",
    "22003, BAD_DATA",
    "23505, BAD_DATA",
    "23502, BAD_DATA",
    // only a person can fix these
    "08004, FATAL",
    "28P01, FATAL",
    "28000, FATAL",
    "42P01, FATAL",
    "42501, FATAL",
    "42704, FATAL",
    "55000, FATAL",
    "57P04, FATAL",
    "XX000, FATAL",
    "40002, FATAL"
  })
  void classesEachStateByWhatCanFixIt(String state, ErrorClass expected) {
    assertThat(SqlStates.classify(state)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
    "25006, read_only_sql_transaction",
    "57P01, admin_shutdown",
    "53300, too_many_connections",
    "55P03, lock_not_available",
    "08006, connection_failure",
    "22P02, invalid_text_representation",
    // a code PostgreSQL does not list is named by its class
    "57ZZZ, Operator Intervention"
  })
  void namesEachConditionAsPostgresDoes(String state, String name) {
    assertThat(SqlStates.conditionName(state)).isEqualTo(name);
    assertThat(SqlStates.describe(state)).isEqualTo(name + " (SQLSTATE " + state + ")");
  }

  @ParameterizedTest
  @CsvSource({"''", "ABC"})
  void aMissingOrMalformedStateIsFatal(String state) {
    assertThat(SqlStates.classify(state.isEmpty() ? null : state)).isEqualTo(ErrorClass.FATAL);
  }
}
