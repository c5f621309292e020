package io.sluice.capture.internal;

import io.debezium.connector.postgresql.UnchangedToastedReplicationMessageColumn;
import io.debezium.spi.converter.CustomConverter;
import io.debezium.spi.converter.RelationalColumn;
import java.time.OffsetTime;
import java.util.Properties;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.postgresql.util.PGInterval;

/**
 * The Debezium custom converter that makes every captured column an optional Connect string holding
 * the PostgreSQL text literal of its value (see {@link PostgresTextFormatter}), so that no Debezium
 * value conversion sits between the source's text and sluice.
 *
 * <p>An unchanged TOASTed value that the source did not resend reaches a converter as one of
 * Debezium's marker objects; it becomes {@link SourceRecordMapper#UNCHANGED_PLACEHOLDER}, which no
 * stored value can equal.
 *
 * <p>Two kinds of streamed value lost their exact form before any converter sees them, and become
 * {@link SourceRecordMapper#REREAD_PLACEHOLDER}, so that capture reads the column from the source
 * row instead ({@link SourceRowFiller}): a {@code timetz} (Debezium 3.6.3 normalises it to UTC and
 * drops its offset) and a zero {@code interval} (pgjdbc's {@code PGInterval} reads {@code infinity}
 * and {@code -infinity} as zero, so a zero is ambiguous).
 *
 * <p>Every field is optional: a delete's old row image carries only the key, and a NOT NULL column
 * must not make Debezium invent a value for the rest.
 */
public final class PostgresTextConverter
    implements CustomConverter<SchemaBuilder, RelationalColumn> {

  @Override
  public void configure(Properties properties) {
    // nothing to configure: the text form of a value does not depend on settings
  }

  @Override
  public void converterFor(
      RelationalColumn column, ConverterRegistration<SchemaBuilder> registration) {
    registration.register(SchemaBuilder.string().optional(), PostgresTextConverter::convert);
  }

  static Object convert(Object value) {
    if (value instanceof String) {
      return value;
    }
    if (value instanceof OffsetTime || (value instanceof PGInterval i && isZero(i))) {
      return SourceRecordMapper.REREAD_PLACEHOLDER;
    }
    if (value != null && UnchangedToastedReplicationMessageColumn.isUnchangedToastedValue(value)) {
      return SourceRecordMapper.UNCHANGED_PLACEHOLDER;
    }
    try {
      return PostgresTextFormatter.format(value);
    } catch (IllegalArgumentException e) {
      // Debezium reports a failed conversion with the table, column and type, and as its cause
      // only this exception's cause: the reason has to travel there.
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static boolean isZero(PGInterval i) {
    return i.getYears() == 0
        && i.getMonths() == 0
        && i.getDays() == 0
        && i.getHours() == 0
        && i.getMinutes() == 0
        && i.getWholeSeconds() == 0
        && i.getMicroSeconds() == 0;
  }
}
