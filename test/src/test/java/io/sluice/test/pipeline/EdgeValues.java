package io.sluice.test.pipeline;

import java.util.ArrayList;
import java.util.List;

/**
 * One column per type sluice carries, each with the edge values of that type as SQL literals: the
 * table {@link ValueFidelityIT} sends through a pipeline. Also the enums and domains the columns
 * use, created on the source only: sluice must create them on the target.
 */
final class EdgeValues {
  /**
   * A column of the test table.
   *
   * @param comparable whether the type has an equality operator, so that the target's values can be
   *     compared with {@code IS NOT DISTINCT FROM} as well as by their text
   */
  record Column(String name, String type, boolean comparable, List<String> edges) {}

  static final List<String> USER_TYPES =
      List.of(
          "CREATE SCHEMA kinds",
          "CREATE TYPE mood AS ENUM ('calm', 'wild', 'ça va', 'it''s \"quoted\"', '')",
          "CREATE TYPE kinds.\"Odd Enum\" AS ENUM ('b', 'a')",
          "CREATE DOMAIN positive_money AS numeric(12,2) CHECK (VALUE > 0)",
          "CREATE DOMAIN kinds.code AS varchar(8) DEFAULT 'n/a' CHECK (VALUE <> '')"
              + " CHECK (VALUE !~ '\\s')",
          "CREATE DOMAIN finite_span AS interval CHECK (isfinite(VALUE))",
          "CREATE DOMAIN any_span AS interval",
          "CREATE DOMAIN local_time AS timetz",
          "CREATE DOMAIN mood_list AS mood[]",
          "CREATE DOMAIN tame_code AS kinds.code CHECK (length(VALUE) < 6)");

  static final List<Column> COLUMNS = new ArrayList<>();

  static {
    column("c_int2", "int2", "-32768", "32767", "0");
    column("c_int4", "int4", "-2147483648", "2147483647", "0");
    column("c_int8", "int8", "-9223372036854775808", "9223372036854775807", "0");
    column(
        "c_numeric",
        "numeric",
        "'NaN'",
        "'Infinity'",
        "'-Infinity'",
        "'" + "9".repeat(1000) + "'",
        "'-" + "1234567890".repeat(60) + "." + "0987654321".repeat(40) + "'",
        "'0." + "0".repeat(999) + "1'",
        "'1.50'",
        "'100.000'",
        "'-0.0'",
        "'1e-20'",
        "'0'");
    column(
        "c_numeric_38_18",
        "numeric(38,18)",
        "'99999999999999999999.999999999999999999'",
        "'-99999999999999999999.999999999999999999'",
        "'0.000000000000000001'",
        "'-0.000000000000000001'",
        "'0'");
    // negative scale (PostgreSQL 15 and later): rounded to hundreds
    column("c_numeric_neg_scale", "numeric(5,-2)", "'9999900'", "'12345'", "'-9999949'", "'0'");
    column(
        "c_float4",
        "float4",
        "'NaN'",
        "'Infinity'",
        "'-Infinity'",
        "'-0'",
        "'1.4e-45'",
        "'1e-40'",
        "'1.17549435e-38'",
        "'3.4028235e38'",
        "'0.1'",
        "'16777217'");
    column(
        "c_float8",
        "float8",
        "'NaN'",
        "'Infinity'",
        "'-Infinity'",
        "'-0'",
        "'4.9e-324'",
        "'2.5e-320'",
        "'2.2250738585072014e-308'",
        "'1.7976931348623157e308'",
        "'0.1'",
        "'9007199254740993'");
    column("c_bool", "bool", "true", "false");
    column(
        "c_text",
        "text",
        "''",
        "'🚀 👩‍👩‍👧 family'",
        "'e' || chr(769) || ' combining'",
        "'مرحبا עברית RTL ‮override'",
        "E'tab\\there\\nnew line\\r\\nback\\\\slash \"quote\" ''apostrophe'''",
        "'\\N'",
        "'__debezium_unavailable_value'",
        "'" + "long ".repeat(5000) + "'");
    column("c_varchar", "varchar(20)", "'trailing  '", "''", "'ünïcødé 🚀'");
    column("c_bpchar", "char(8)", "'ab'", "''", "'äbc'");
    column(
        "c_bytea",
        "bytea",
        "'\\x'",
        "'\\x00'",
        "'\\x0001ff00'",
        "'\\x" + "00ff".repeat(4096) + "'",
        "convert_to('__debezium_unavailable_value', 'UTF8')");
    column(
        "c_uuid",
        "uuid",
        "'00000000-0000-0000-0000-000000000000'",
        "'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF'",
        "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'");
    uncomparable(
        "c_json",
        "json",
        "'{\"b\" : 1,  \"a\":\"\\u00e9\\ud83d\\ude80\", \"a\" : 2 }'",
        "'  [1, 2.50 ,3e2]  '",
        "'null'",
        "'\"é 🚀 \\u00e9\"'",
        "E'{\"nested\":\\n\\t{\"x\": [true, false, null, {\"y\": [[]]}]}}'");
    column(
        "c_jsonb",
        "jsonb",
        "'{\"b\" : 1,  \"a\":\"\\u00e9\\ud83d\\ude80\", \"a\" : 2 }'",
        "'  [1, 2.50 ,3e2]  '",
        "'null'",
        "'\"é 🚀\"'",
        "'{\"n\": 1.000000000000000000001, \"deep\": {\"a\": [{\"b\": {\"c\": [1, {}]}}]}}'");
    column(
        "c_date",
        "date",
        "'2024-02-29'",
        "'1970-01-01'",
        "'1969-12-31'",
        "'0001-01-01'",
        "'0001-12-31 BC'",
        "'0001-02-29 BC'",
        "'0044-03-15 BC'",
        "'4714-11-24 BC'",
        "'10000-01-01'",
        "'5874897-12-31'",
        "'infinity'",
        "'-infinity'");
    column("c_time", "time", "'00:00:00'", "'12:34:56.000001'", "'23:59:59.999999'", "'24:00:00'");
    column("c_time_3", "time(3)", "'23:59:59.999'", "'24:00:00'");
    column(
        "c_timestamp",
        "timestamp",
        "'2024-02-29 23:59:59.123456'",
        "'1970-01-01 00:00:00'",
        "'1969-12-31 23:59:59.999999'",
        "'1900-01-01 00:00:00.000001'",
        "'0001-01-01 00:00:00'",
        "'0001-02-29 12:00:00.5 BC'",
        "'0044-03-15 12:00:00 BC'",
        "'4714-11-24 00:00:00 BC'",
        "'10000-01-01 00:00:00'",
        // Debezium's stand-in for infinity is this real timestamp
        "'294247-01-10 04:00:25.2'",
        "'294247-01-10 04:00:54.775807'",
        "'294276-12-31 23:59:59.999999'",
        "'infinity'",
        "'-infinity'");
    column(
        "c_timestamp_3",
        "timestamp(3)",
        "'2024-02-29 23:59:59.123'",
        "'0001-02-29 12:00:00.5 BC'",
        "'294276-12-31 23:59:59.999'",
        "'infinity'");
    column(
        "c_timestamptz",
        "timestamptz",
        "'2024-02-29 23:59:59.123456+05:45'",
        "'1970-01-01 00:00:00+00'",
        "'1900-01-01 00:00:00.000001-03'",
        "'0001-02-29 12:00:00.5+00 BC'",
        "'4714-11-24 00:00:00+00 BC'",
        "'10000-01-01 00:00:00+14:59'",
        "'294276-12-31 23:59:59.999999+00'",
        "'infinity'",
        "'-infinity'");
    column(
        "c_interval",
        "interval",
        "'1 year 2 mons -3 days 04:05:06.000007'",
        "'1 mon -30 days'",
        "'36 hours'",
        "'-1 days -00:00:00.5'",
        "'-178000000 years'",
        "'178000000 years 11 mons'",
        "'2147483647 days'",
        "'-2147483648 days'",
        "'2147483647 hours 59 minutes 59.999999 seconds'",
        "'P1Y2M3DT4H5M6.5S'",
        "'0'",
        "'infinity'",
        "'-infinity'",
        "'-00:00:00.000001'");
    // streamed timetz values and zero intervals are read again from the source row
    column(
        "c_timetz",
        "timetz",
        "'12:34:56.789012+05:45'",
        "'00:00:00-15:59'",
        "'24:00:00+15:59'",
        "'23:59:59.999999+00'",
        "'04:05:06-08'");
    column(
        "c_inet",
        "inet",
        "'192.168.0.1/24'",
        "'10.0.0.1'",
        "'::1'",
        "'2001:db8::ff00:42:8329/64'",
        "'::ffff:1.2.3.4'");
    column("c_cidr", "cidr", "'10.0.0.0/8'", "'2001:db8::/32'", "'192.168.100.128/25'");
    column("c_macaddr", "macaddr", "'08:00:2b:01:02:03'", "'ff-ff-ff-ff-ff-ff'");
    column("c_macaddr8", "macaddr8", "'08:00:2b:01:02:03:04:05'", "'08:00:2b:01:02:03'");
    column(
        "c_money",
        "money",
        "'92233720368547758.07'",
        "'-92233720368547758.08'",
        "'90071992547409.93'",
        "'-0.01'",
        "'0'",
        "'1234567.891'");
    column("c_money_array", "money[]", "'{\"$1,234.56\",-0.01,NULL}'");
    column("c_bit", "bit(4)", "B'1010'", "B'0000'");
    column("c_varbit", "varbit", "B''", "B'1'", "B'10101010101'");
    column("c_tsvector", "tsvector", "'a fat cat sat on a mat'", "$$'quoted space' x:1A,2B$$");
    column("c_int4range", "int4range", "'[1,5)'", "'empty'", "'(,)'", "'[3,]'");
    column("c_int8range", "int8range", "'[-9223372036854775808,9223372036854775807)'");
    column("c_numrange", "numrange", "'(1.50,2.500]'", "'(,1e-20]'");
    column("c_daterange", "daterange", "'[0044-03-15 BC,infinity)'");
    column("c_tsrange", "tsrange", "'[0001-02-29 BC,294276-12-31 23:59:59.999999]'");
    column("c_tstzrange", "tstzrange", "'[2024-01-01 00:00+05:45,infinity)'");
    column("c_int4multirange", "int4multirange", "'{[1,3), [5,7)}'", "'{}'");
    column("c_int8multirange", "int8multirange", "'{[1,2)}'");
    column("c_nummultirange", "nummultirange", "'{[1.5,2.50]}'");
    column("c_datemultirange", "datemultirange", "'{[0001-01-01 BC,infinity)}'");
    column("c_tsmultirange", "tsmultirange", "'{[2024-01-01,2024-01-02)}'");
    column("c_tstzmultirange", "tstzmultirange", "'{[2024-01-01 00:00+01,)}'");
    column("c_mood", "mood", "'calm'", "'wild'", "'ça va'", "'it''s \"quoted\"'", "''");
    column("c_odd_enum", "kinds.\"Odd Enum\"", "'b'", "'a'");
    column(
        "c_moods",
        "mood[]",
        "'{calm,NULL,wild}'",
        "'{}'",
        "'{{calm,wild},{\"ça va\",\"\"}}'",
        "ARRAY['it''s \"quoted\"']::mood[]");
    column(
        "c_int_array",
        "int4[]",
        "'{1,NULL,3}'",
        "'{{1,2},{3,4}}'",
        "'[0:1]={7,8}'",
        "'{}'",
        "'{NULL}'");
    column(
        "c_text_array",
        "text[]",
        "ARRAY['a b', NULL, '', '\"q\"', 'NULL', 'back\\slash', '🚀', E'tab\\t']",
        "'{{a,b},{c,d}}'");
    column("c_numeric_array", "numeric[]", "'{NaN,Infinity,-Infinity,1.50,-0.000001}'");
    column("c_float8_array", "float8[]", "'{-0,NaN,4.9e-324,Infinity,0.1}'");
    column("c_bytea_array", "bytea[]", "ARRAY['\\x00ff'::bytea, NULL, '\\x']");
    column("c_date_array", "date[]", "'{infinity,-infinity,0044-03-15 BC}'");
    column("c_timestamptz_array", "timestamptz[]", "'{infinity,\"294276-12-31 23:59:59+00\"}'");
    // arrays stream as the server's text, so these element types are exact inside arrays
    column(
        "c_timetz_array",
        "timetz[]",
        "'{12:00:00+05,00:00:00.000001-15:59,24:00:00+15:59}'",
        "ARRAY['12:00+05'::timetz]");
    column("c_interval_array", "interval[]", "'{infinity,-infinity,\"1 mon -1 days\"}'");
    column("c_uuid_array", "uuid[]", "'{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11,NULL}'");
    column("c_jsonb_array", "jsonb[]", "ARRAY['{\"a\": [1, \"é\"]}'::jsonb, 'null']");
    column("c_inet_array", "inet[]", "'{::1,10.0.0.0/8}'");
    column("c_range_array", "int4range[]", "'{\"[1,2)\",empty}'");
    column("c_positive", "positive_money", "'0.01'", "'9999999999.99'");
    column("c_code", "kinds.code", "'abc'", "'ünï'");
    column("c_finite", "finite_span", "'1 day'", "'-1 mon 1 day 00:00:00.000001'");
    column("c_any_span", "any_span", "'infinity'", "'0'", "'-infinity'", "'2 days'");
    column("c_local_time", "local_time", "'08:00+01'", "'08:00-01'");
    column("c_mood_list", "mood_list", "'{wild,NULL}'", "'{}'");
    column("c_tame_code", "tame_code", "'ab'");
    column("c_code_array", "kinds.code[]", "'{abc,NULL}'");
  }

  private EdgeValues() {}

  private static void column(String name, String type, String... edges) {
    COLUMNS.add(new Column(name, type, true, List.of(edges)));
  }

  private static void uncomparable(String name, String type, String... edges) {
    COLUMNS.add(new Column(name, type, false, List.of(edges)));
  }

  static String createTable(String table) {
    StringBuilder ddl = new StringBuilder("CREATE TABLE " + table + " (id int PRIMARY KEY");
    COLUMNS.forEach(c -> ddl.append(", ").append(c.name()).append(' ').append(c.type()));
    return ddl.append(")").toString();
  }

  /** The column's type without a column constraint, to cast literals to. */
  static String castType(Column c) {
    int check = c.type().indexOf(" CHECK");
    return check < 0 ? c.type() : c.type().substring(0, check);
  }
}
