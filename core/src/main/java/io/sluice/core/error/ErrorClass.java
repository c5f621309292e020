package io.sluice.core.error;

import java.util.Locale;

/**
 * What sluice does about an error, whatever raised it (target, source, Kafka or DynamoDB).
 *
 * <ul>
 *   <li>{@link #RETRIABLE}: the dependency is away or busy (connection lost, server restarting, a
 *       writer turned read-only by a failover, lock or statement timeouts, throttling). The work is
 *       tried again with bounded backoff until it succeeds; nothing advances meanwhile and no
 *       person is needed.
 *   <li>{@link #BAD_DATA}: the target refuses a value or a row ({@code 22*}, {@code 23*}); the
 *       group's bad-data policy decides (halt or dead-letter).
 *   <li>{@link #FATAL}: only a person can fix it (wrong password, missing table or privilege, a
 *       dropped slot or publication); the work stops and says why.
 * </ul>
 */
public enum ErrorClass {
  RETRIABLE,
  BAD_DATA,
  FATAL;

  /** The value of the {@code error_class} metric tag. */
  public String tag() {
    return this == RETRIABLE ? "retriable" : name().toLowerCase(Locale.ROOT);
  }
}
