package io.sluice.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.sluice.core.error.ErrorClass;
import io.sluice.core.error.SqlStates;
import io.sluice.core.error.TryAgainException;
import java.io.EOFException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import javax.net.ssl.SSLException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The one classifier of sluice: maps any error, from the target or source (JDBC), Kafka, Debezium
 * or DynamoDB, to an {@link ErrorClass} and names it for logs without row values.
 *
 * <p>It walks the cause chain from the outside in and stops at the first cause that tells: a
 * SQLSTATE (classed by {@link SqlStates}), a network error (retriable), a Kafka or Kafka Connect
 * {@code RetriableException} (retriable; Debezium raises Connect's for connection trouble), an AWS
 * SDK error without an answer (retriable), or an AWS service error (retriable when throttled or a
 * 5xx, fatal otherwise). A chain with none of these is fatal: sluice's own refusals ({@link
 * io.sluice.core.SluiceException} without a cause) and programming errors need a person.
 *
 * <p>It lives in {@code checkpoint}, the lowest module that sees every client library sluice uses.
 */
public final class ErrorClassifier {
  private static final int MAX_DEPTH = 32;

  private ErrorClassifier() {}

  public static ErrorClass classify(Throwable error) {
    int depth = 0;
    for (Throwable t = error; t != null && depth < MAX_DEPTH; t = t.getCause(), depth++) {
      if (t instanceof LeaseLostException) {
        return ErrorClass.FATAL;
      }
      if (t instanceof TryAgainException) {
        return ErrorClass.RETRIABLE;
      }
      if (t instanceof SQLException sql) {
        if (sql.getSQLState() != null) {
          return SqlStates.classify(sql.getSQLState());
        }
        if (sql instanceof SQLTransientException) {
          return ErrorClass.RETRIABLE; // a pool timeout: no connection could be had
        }
        continue;
      }
      if (t instanceof JsonProcessingException) {
        return ErrorClass.FATAL;
      }
      if (isNetwork(t)
          || t instanceof org.apache.kafka.common.errors.RetriableException
          || t instanceof org.apache.kafka.connect.errors.RetriableException
          || t instanceof SdkClientException) {
        return ErrorClass.RETRIABLE;
      }
      if (t instanceof AwsServiceException aws) {
        return aws.isThrottlingException() || aws.statusCode() >= 500
            ? ErrorClass.RETRIABLE
            : ErrorClass.FATAL;
      }
    }
    return ErrorClass.FATAL;
  }

  /**
   * True when a database refused to sign sluice in (SQLSTATE class 28: a wrong password, an expired
   * or unsigned IAM token): fatal with a password from the configuration, worth a retry with one
   * from a {@link io.sluice.core.config.SecretSource}, which may have been rotated.
   */
  public static boolean isSignInRefused(Throwable error) {
    int depth = 0;
    for (Throwable t = error; t != null && depth < MAX_DEPTH; t = t.getCause(), depth++) {
      if (t instanceof SQLException sql
          && sql.getSQLState() != null
          && sql.getSQLState().startsWith("28")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Names an error for logs and status: the SQL condition and SQLSTATE where there is one ({@code
   * read_only_sql_transaction (SQLSTATE 25006)}), with the server's text unless it may hold row
   * values (data and constraint errors); otherwise the error itself.
   */
  public static String describe(Throwable error) {
    int depth = 0;
    for (Throwable t = error; t != null && depth < MAX_DEPTH; t = t.getCause(), depth++) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        String named = SqlStates.describe(state);
        boolean mayHoldValues = state.startsWith("22") || state.startsWith("23");
        String text = firstLine(sql.getMessage());
        String outer = t == error ? "" : firstLine(error.getMessage()) + ": ";
        return outer + named + (mayHoldValues || text.isEmpty() ? "" : ": " + text);
      }
    }
    String message = firstLine(error.getMessage());
    Throwable root = error;
    for (int i = 0; root.getCause() != null && i < MAX_DEPTH; i++) {
      root = root.getCause();
    }
    String rootText =
        root == error
            ? ""
            : " (" + root.getClass().getSimpleName() + ": " + firstLine(root.getMessage()) + ")";
    return (message.isEmpty() ? error.getClass().getSimpleName() : message) + rootText;
  }

  private static boolean isNetwork(Throwable t) {
    return t instanceof SocketException
        || t instanceof EOFException
        || t instanceof InterruptedIOException
        || t instanceof UnknownHostException
        || t instanceof ClosedChannelException
        || t instanceof SSLException;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).strip();
  }
}
