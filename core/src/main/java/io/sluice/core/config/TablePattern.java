package io.sluice.core.config;

import io.sluice.core.schema.TableId;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A table name or a pattern with {@code *} wildcards, written as in SQL: {@code schema.table}, or a
 * bare {@code table} meaning schema {@code public}. A part in double quotes is taken as it is,
 * spaces, capitals, dots and {@code *} included ({@code public."Order Book"}, {@code
 * "Risk"."fx.rates"}), with {@code ""} for a quote inside it. A part without quotes is matched as
 * written too, capitals included (sluice does not fold case as SQL does: {@code public.Orders} is
 * the table created as {@code "Orders"}); {@code *} in it matches any run of characters ({@code
 * public.ref_*}), and an unquoted table part may hold dots ({@code public.q1.2024}).
 *
 * @throws IllegalArgumentException for text that is no name: an unclosed quote, an empty part, a
 *     third part
 */
public record TablePattern(String text) {
  public TablePattern {
    parse(text);
  }

  /** A name or pattern part: literal pieces, with a wildcard between each two. */
  private record Part(List<String> pieces, boolean quoted) {
    boolean isPattern() {
      return pieces.size() > 1;
    }

    String literal() {
      return String.join("*", pieces);
    }

    boolean matches(String name) {
      if (!isPattern()) {
        return name.equals(pieces.get(0));
      }
      StringBuilder regex = new StringBuilder();
      for (String piece : pieces) {
        if (!regex.isEmpty()) {
          regex.append(".*");
        }
        regex.append(Pattern.quote(piece));
      }
      return Pattern.matches(regex.toString(), name);
    }
  }

  public boolean isPattern() {
    List<Part> parts = parse(text);
    return parts.get(0).isPattern() || parts.get(1).isPattern();
  }

  /** The schema and the table, unquoted, as {@link TableId#toString()} writes a table. */
  public String qualified() {
    List<Part> parts = parse(text);
    return parts.get(0).literal() + "." + parts.get(1).literal();
  }

  public boolean matches(TableId table) {
    List<Part> parts = parse(text);
    return parts.get(0).matches(table.schema()) && parts.get(1).matches(table.table());
  }

  /**
   * Schema part and table part; a bare name gets schema {@code public}. An unquoted schema part
   * ends at the first dot; an unquoted table part runs to the end, dots and all.
   */
  private static List<Part> parse(String text) {
    int[] at = {0};
    Part first = part(text, at, true);
    if (at[0] >= text.length()) {
      return List.of(new Part(List.of("public"), false), first);
    }
    at[0]++; // the dot
    Part second = part(text, at, false);
    if (at[0] < text.length()) {
      throw new IllegalArgumentException(problem(text, "a quoted table part must end the name"));
    }
    return List.of(first, second);
  }

  /** One part from {@code at[0]}, which it moves past the part. */
  private static Part part(String text, int[] at, boolean schema) {
    int i = at[0];
    if (i >= text.length()) {
      throw new IllegalArgumentException(problem(text, "a name is missing after the dot"));
    }
    List<String> pieces = new ArrayList<>();
    StringBuilder piece = new StringBuilder();
    boolean quoted = text.charAt(i) == '"';
    if (quoted) {
      i++;
      while (true) {
        if (i >= text.length()) {
          throw new IllegalArgumentException(problem(text, "a double quote is not closed"));
        }
        char c = text.charAt(i++);
        if (c == '"') {
          if (i < text.length() && text.charAt(i) == '"') {
            piece.append('"');
            i++;
            continue;
          }
          break;
        }
        piece.append(c);
      }
      if (i < text.length() && text.charAt(i) != '.') {
        throw new IllegalArgumentException(
            problem(text, "a quoted part must be followed by a dot or end the name"));
      }
    } else {
      while (i < text.length() && !(schema && text.charAt(i) == '.')) {
        char c = text.charAt(i++);
        if (c == '"') {
          throw new IllegalArgumentException(
              problem(text, "a double quote may only open a part, at its start"));
        }
        if (c == '*') {
          pieces.add(piece.toString());
          piece.setLength(0);
        } else {
          piece.append(c);
        }
      }
    }
    pieces.add(piece.toString());
    if (!quoted && pieces.size() == 1 && pieces.get(0).isBlank()) {
      throw new IllegalArgumentException(problem(text, "a part of the name is empty"));
    }
    at[0] = i;
    return new Part(pieces, quoted);
  }

  private static String problem(String text, String what) {
    return "table name "
        + text
        + " is not a name: "
        + what
        + ". Write schema.table, names as they are in the catalog; put a part in double quotes"
        + " when it holds a dot, a * or a double quote (written \"\"): \"Risk\".\"fx.rates\"";
  }

  @Override
  public String toString() {
    return text;
  }
}
