package io.sluice.core.config;

/** Where changes come from: a PostgreSQL database with logical replication enabled. */
public record SourceConfig(
    String host,
    int port,
    String database,
    String user,
    Secret password,
    String slot,
    String publication) {
  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }
}
