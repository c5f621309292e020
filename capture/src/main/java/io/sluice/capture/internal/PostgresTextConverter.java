package io.sluice.capture.internal;

import io.debezium.connector.postgresql.UnchangedToastedReplicationMessageColumn;
import io.debezium.spi.converter.CustomConverter;
import io.debezium.spi.converter.RelationalColumn;
import java.util.Properties;
import org.apache.kafka.connect.data.SchemaBuilder;

/**
 * The Debezium custom converter that makes every captured column an optional Connect string holding
 * the PostgreSQL text literal of its value (see {@link PostgresTextFormatter}), so that no Debezium
 * value conversion sits between the source's text and sluice.
 *
 * <p>An unchanged TOASTed value that the source did not resend reaches a converter as one of
 * Debezium's marker objects; it becomes {@link SourceRecordMapper#UNCHANGED_PLACEHOLDER}, which no
 * stored value can equal.
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
}
