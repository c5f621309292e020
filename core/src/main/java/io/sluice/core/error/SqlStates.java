package io.sluice.core.error;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * PostgreSQL's SQLSTATE codes: the condition name of each (from PostgreSQL's {@code errcodes.txt})
 * and the {@link ErrorClass} sluice gives it.
 *
 * <p>Retriable: connection exceptions ({@code 08*}, but {@code 08004}: the client refused to
 * connect, as the JDBC driver does when the server asks for a password and none is set),
 * transaction rollbacks that a retry resolves ({@code 40001} serialization failure, {@code 40P01}
 * deadlock, {@code 40003} statement completion unknown), read-only transactions ({@code 25006}: the
 * node left behind by a failover), insufficient resources ({@code 53*}: too many connections, disk
 * full, out of memory), a lock or object busy ({@code 55P03}, {@code 55006}: a replication slot
 * still held by a dead session), operator intervention ({@code 57014} statement timeout or cancel,
 * {@code 57P01}-{@code 57P03} and {@code 57P05}: terminated sessions, shutdown, a server starting
 * up, idle session timeout) and system errors ({@code 58*}). Bad data: {@code 22*} and {@code 23*}.
 * Everything else is fatal, among it authentication ({@code 28*}), missing objects and privileges
 * ({@code 42*}) and a dropped database ({@code 57P04}).
 */
public final class SqlStates {
  private static final Map<String, String> NAMES = load();
  private static final Set<String> RETRIABLE_CODES =
      Set.of(
          "25006", "40001", "40003", "40P01", "55006", "55P03", "57014", "57P01", "57P02", "57P03",
          "57P05");

  private SqlStates() {}

  /** The condition name of a SQLSTATE ({@code read_only_sql_transaction}), or its class's name. */
  public static String conditionName(String state) {
    if (state == null) {
      return "unknown error";
    }
    String name = NAMES.get(state);
    if (name != null) {
      return name;
    }
    String className = state.length() >= 2 ? NAMES.get("class " + state.substring(0, 2)) : null;
    return className == null ? "error" : className;
  }

  /** {@code read_only_sql_transaction (SQLSTATE 25006)}: how errors are named in messages. */
  public static String describe(String state) {
    return state == null
        ? "error without SQLSTATE"
        : conditionName(state) + " (SQLSTATE " + state + ")";
  }

  /** The class of a SQLSTATE; a missing state is {@link ErrorClass#FATAL}. */
  public static ErrorClass classify(String state) {
    if (state == null || state.length() != 5) {
      return ErrorClass.FATAL;
    }
    if ((state.startsWith("08") && !state.equals("08004"))
        || state.startsWith("53")
        || state.startsWith("58")
        || RETRIABLE_CODES.contains(state)) {
      return ErrorClass.RETRIABLE;
    }
    if (state.startsWith("22") || state.startsWith("23")) {
      return ErrorClass.BAD_DATA;
    }
    return ErrorClass.FATAL;
  }

  private static Map<String, String> load() {
    Map<String, String> names = new HashMap<>();
    try (InputStream in = SqlStates.class.getResourceAsStream("sqlstates.tsv")) {
      if (in == null) {
        throw new IllegalStateException("sqlstates.tsv is missing from the sluice-core jar");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        int tab = line.indexOf('\t');
        if (!line.startsWith("#") && tab > 0) {
          names.putIfAbsent(line.substring(0, tab), line.substring(tab + 1));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.copyOf(names);
  }
}
