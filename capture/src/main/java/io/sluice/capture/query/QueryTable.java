package io.sluice.capture.query;

import io.sluice.core.config.GroupConfig;
import io.sluice.core.config.QueryMode;
import io.sluice.core.schema.TableSchema;
import java.util.Optional;

/**
 * A table as query capture follows it: its structure, its group, its mode and, for a watermark or
 * append-only table, its poll statements.
 */
public record QueryTable(
    TableSchema schema, GroupConfig group, QueryMode mode, Optional<WatermarkSql> watermark) {

  /**
   * How the group's configuration says to follow the table.
   *
   * @throws IllegalArgumentException naming the table when it cannot be followed so: no key, or a
   *     watermark column that is missing, of the wrong type, or nullable for append-only
   */
  public static QueryTable of(TableSchema schema, GroupConfig group) {
    if (schema.keyless()) {
      throw new IllegalArgumentException(
          "table "
              + schema.id()
              + " has no key; query capture names rows by key: give it a primary key, or"
              + " key-columns in group "
              + group.name());
    }
    String name = schema.id().toString();
    QueryMode mode = group.query().mode(name);
    Optional<WatermarkSql> wm =
        group.query().watermarkColumn(name).map(c -> WatermarkSql.of(schema, c));
    if (mode == QueryMode.APPEND_ONLY && wm.get().nullable()) {
      throw new IllegalArgumentException(
          "append-only table "
              + name
              + " has a nullable watermark column "
              + wm.get().column()
              + ": a row whose watermark is NULL would never be read (append-only tables are"
              + " never diffed). Make the column NOT NULL, or follow the table in watermark mode");
    }
    return new QueryTable(schema, group, mode, wm);
  }

  /** The mode's name as the configuration and the stored state write it. */
  public String modeName() {
    return mode.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  /** The watermark column's name, or empty text for a diff table. */
  public String columnName() {
    return watermark.map(WatermarkSql::column).orElse("");
  }

  /** Whether the table is diffed on a schedule (not append-only). */
  public boolean diffed() {
    return mode != QueryMode.APPEND_ONLY;
  }

  /** The same table with a new structure, its statements made anew. */
  public QueryTable withSchema(TableSchema next) {
    return of(next, group);
  }
}
