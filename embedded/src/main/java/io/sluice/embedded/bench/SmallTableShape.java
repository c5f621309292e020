package io.sluice.embedded.bench;

import java.util.List;

/**
 * The shapes of the load benchmark's small tables: DDL and a seed of {@code rows} rows, every value
 * a function of the key number {@code k}. {@code {table}} and {@code {rows}} in the SQL are
 * replaced by the table's name and row count.
 */
enum SmallTableShape {
  /** A bigint key, text, a numeric amount, a date and a timestamp: an account or ledger table. */
  LEDGER(
      List.of("id", "name", "status", "amount", "opened_on", "updated_at"),
      List.of("id"),
      """
      CREATE TABLE {table} (id bigint PRIMARY KEY, name text NOT NULL, status text NOT NULL,
        amount numeric(38,18) NOT NULL, opened_on date NOT NULL, updated_at timestamptz NOT NULL)
        WITH (autovacuum_enabled = false)""",
      """
      INSERT INTO {table} SELECT k, 'name ' || k, (ARRAY['open','closed','pending'])[k % 3 + 1],
        round(k::numeric * 1000 / 7, 18), date '2024-01-01' + (k % 365)::int,
        timestamptz '2024-01-01 00:00:00+00' + k * interval '1 second'
      FROM generate_series(1::bigint, {rows}) k"""),

  /** An int key, a nullable text, an int, a boolean: a reference table of instruments. */
  INSTRUMENT(
      List.of("code", "symbol", "description", "price", "lot_size", "active", "listed_at"),
      List.of("code"),
      """
      CREATE TABLE {table} (code int PRIMARY KEY, symbol text NOT NULL, description text,
        price numeric(38,18) NOT NULL, lot_size int NOT NULL, active boolean NOT NULL,
        listed_at timestamptz NOT NULL) WITH (autovacuum_enabled = false)""",
      """
      INSERT INTO {table} SELECT k, 'SYM' || k,
        CASE WHEN k % 4 = 0 THEN NULL ELSE 'instrument ' || k END, round(100 + k::numeric / 13, 18),
        (k % 10 + 1) * 100, k % 7 <> 0, timestamptz '2020-01-01 00:00:00+00' + k * interval '1 hour'
      FROM generate_series(1, {rows}) k"""),

  /** A composite key (account, instrument) of positions, 1,000 instruments an account. */
  POSITION(
      List.of("account_id", "instrument_id", "qty", "avg_price", "updated_at"),
      List.of("account_id", "instrument_id"),
      """
      CREATE TABLE {table} (account_id int NOT NULL, instrument_id int NOT NULL,
        qty numeric(38,18) NOT NULL, avg_price numeric(38,18) NOT NULL,
        updated_at timestamptz NOT NULL, PRIMARY KEY (account_id, instrument_id))
        WITH (autovacuum_enabled = false)""",
      """
      INSERT INTO {table} SELECT k / 1000 + 1, k % 1000 + 1, k % 500, round(100 + k::numeric / 17, 18),
        timestamptz '2024-01-01 00:00:00+00' + k * interval '1 second'
      FROM generate_series(0, {rows} - 1) k""");

  private final List<String> columns;
  private final List<String> primaryKey;
  private final String create;
  private final String seed;

  SmallTableShape(List<String> columns, List<String> primaryKey, String create, String seed) {
    this.columns = columns;
    this.primaryKey = primaryKey;
    this.create = create;
    this.seed = seed;
  }

  LoadTable table(String name, long rows) {
    return new LoadTable(name, columns, primaryKey, rows);
  }

  String createSql(LoadTable table) {
    return create.replace("{table}", table.name());
  }

  String seedSql(LoadTable table) {
    return seed.replace("{table}", table.name()).replace("{rows}", Long.toString(table.rows()));
  }
}
