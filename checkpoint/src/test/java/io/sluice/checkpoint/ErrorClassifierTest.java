package io.sluice.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.SluiceException;
import io.sluice.core.error.ErrorClass;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

class ErrorClassifierTest {

  @Test
  void aPoolTimeoutWithoutStateIsRetriedAndItsCauseDecidesWhenItHasOne() {
    assertThat(ErrorClassifier.classify(new SQLTransientConnectionException("pool timeout")))
        .isEqualTo(ErrorClass.RETRIABLE);
    // the pool carries the state of the last connection failure: a refused password is final
    assertThat(
            ErrorClassifier.classify(new SQLTransientConnectionException("pool timeout", "28P01")))
        .isEqualTo(ErrorClass.FATAL);
    assertThat(
            ErrorClassifier.classify(
                new SQLTransientConnectionException(
                    "pool timeout", null, new SQLException("refused", "08001"))))
        .isEqualTo(ErrorClass.RETRIABLE);
  }

  @Test
  void theFirstCauseThatTellsDecides() {
    SQLException readOnly = new SQLException("cannot execute INSERT", "25006");
    assertThat(ErrorClassifier.classify(new SluiceException("write failed", readOnly)))
        .isEqualTo(ErrorClass.RETRIABLE);
    assertThat(
            ErrorClassifier.classify(
                new SluiceException("write failed", new SQLException("bad", "22P02"))))
        .isEqualTo(ErrorClass.BAD_DATA);
    // sluice's own refusal, without a cause, is for a person
    assertThat(ErrorClassifier.classify(new SluiceException("key changed")))
        .isEqualTo(ErrorClass.FATAL);
    assertThat(ErrorClassifier.classify(new NullPointerException())).isEqualTo(ErrorClass.FATAL);
  }

  @Test
  void networkKafkaAndConnectErrorsAreRetried() {
    assertThat(ErrorClassifier.classify(new java.net.ConnectException("refused")))
        .isEqualTo(ErrorClass.RETRIABLE);
    assertThat(ErrorClassifier.classify(new UncheckedIOException(new EOFException())))
        .isEqualTo(ErrorClass.RETRIABLE);
    assertThat(ErrorClassifier.classify(new NetworkException("broker gone")))
        .isEqualTo(ErrorClass.RETRIABLE);
    assertThat(
            ErrorClassifier.classify(
                new ConnectException(
                    "engine stopped",
                    new org.apache.kafka.connect.errors.RetriableException("db gone"))))
        .isEqualTo(ErrorClass.RETRIABLE);
    assertThat(ErrorClassifier.classify(new TopicAuthorizationException("denied")))
        .isEqualTo(ErrorClass.FATAL);
    // an I/O error that is not the network (a file, a parser) is not retried
    assertThat(ErrorClassifier.classify(new IOException("disk"))).isEqualTo(ErrorClass.FATAL);
  }

  @Test
  void dynamoDbThrottlingAndServerErrorsAreRetriedClientErrorsAreNot() {
    assertThat(ErrorClassifier.classify(SdkClientException.create("unreachable")))
        .isEqualTo(ErrorClass.RETRIABLE);
    assertThat(
            ErrorClassifier.classify(
                DynamoDbException.builder().message("internal").statusCode(500).build()))
        .isEqualTo(ErrorClass.RETRIABLE);
    assertThat(
            ErrorClassifier.classify(
                DynamoDbException.builder()
                    .message("slow down")
                    .statusCode(400)
                    .awsErrorDetails(
                        software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                            .errorCode("ThrottlingException")
                            .build())
                    .build()))
        .isEqualTo(ErrorClass.RETRIABLE);
    assertThat(
            ErrorClassifier.classify(
                ResourceNotFoundException.builder().message("no table").statusCode(400).build()))
        .isEqualTo(ErrorClass.FATAL);
  }

  @Test
  void describesAnSqlErrorByConditionNameAndHidesTextThatMayHoldValues() {
    assertThat(
            ErrorClassifier.describe(
                new SluiceException(
                    "write failed", new SQLException("cannot execute INSERT", "25006"))))
        .isEqualTo(
            "write failed: read_only_sql_transaction (SQLSTATE 25006): cannot execute INSERT");
    assertThat(
            ErrorClassifier.describe(
                new SQLException("invalid input syntax for type integer: \"secret\"", "22P02")))
        .isEqualTo("invalid_text_representation (SQLSTATE 22P02)")
        .doesNotContain("secret");
  }
}
