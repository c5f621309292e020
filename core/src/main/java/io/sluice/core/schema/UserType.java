package io.sluice.core.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A user-defined type that captured columns use and that the target must have under the same name
 * and with the same definition: an enum (its labels in order), a domain (its base type as {@code
 * format_type} prints it, NOT NULL, default expression and CHECK constraints as PostgreSQL deparses
 * them), or a type an extension defines (such as {@code hstore}), which the target gets by having
 * that extension installed.
 *
 * <p>Two definitions of one type are compared with {@link #differencesFrom}; constraint names are
 * not part of a domain's definition, their expressions are.
 */
public record UserType(
    String schema,
    String name,
    Kind kind,
    List<String> labels,
    String baseType,
    boolean notNull,
    String defaultExpression,
    List<String> checks,
    String extension) {

  /** The kinds of user-defined type sluice carries. */
  public enum Kind {
    ENUM,
    DOMAIN,
    /** A type defined by an extension; sluice never creates it, the extension does. */
    EXTENSION
  }

  public UserType {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    labels = List.copyOf(labels);
    checks = checks.stream().sorted().toList();
    if (kind == Kind.ENUM && (baseType != null || notNull || defaultExpression != null)) {
      throw new IllegalArgumentException("enum " + schema + "." + name + " has domain properties");
    }
    if (kind == Kind.DOMAIN && (baseType == null || !labels.isEmpty())) {
      throw new IllegalArgumentException("domain " + schema + "." + name + " needs a base type");
    }
    if ((kind == Kind.EXTENSION) != (extension != null)) {
      throw new IllegalArgumentException(
          "type " + schema + "." + name + ": only an extension's type names its extension");
    }
  }

  public static UserType enumOf(String schema, String name, List<String> labels) {
    return new UserType(schema, name, Kind.ENUM, labels, null, false, null, List.of(), null);
  }

  /** A type the named extension defines, such as {@code public.hstore} of extension hstore. */
  public static UserType extensionOf(String schema, String name, String extension) {
    return new UserType(
        schema, name, Kind.EXTENSION, List.of(), null, false, null, List.of(), extension);
  }

  public static UserType domainOf(
      String schema,
      String name,
      String baseType,
      boolean notNull,
      String defaultExpression,
      List<String> checks) {
    return new UserType(
        schema, name, Kind.DOMAIN, List.of(), baseType, notNull, defaultExpression, checks, null);
  }

  /** The name quoted for SQL, e.g. {@code "public"."mood"}. */
  public String quoted() {
    return TableId.quote(schema) + "." + TableId.quote(name);
  }

  /**
   * How {@code found}, another definition of this type, differs from this one, one description per
   * difference; empty when they are the same.
   */
  public List<String> differencesFrom(UserType found) {
    List<String> out = new ArrayList<>();
    if (kind != found.kind) {
      out.add(describe(kind) + " expected, " + describe(found.kind) + " found");
      return out;
    }
    compare(out, "labels", labels, found.labels);
    compare(out, "base type", baseType, found.baseType);
    compare(out, "NOT NULL", notNull, found.notNull);
    compare(out, "default", defaultExpression, found.defaultExpression);
    compare(out, "constraints", checks, found.checks);
    compare(out, "extension", extension, found.extension);
    return out;
  }

  private static void compare(List<String> out, String what, Object expected, Object found) {
    if (!Objects.equals(expected, found)) {
      out.add(what + " " + expected + " expected, " + found + " found");
    }
  }

  private static String describe(Kind kind) {
    return switch (kind) {
      case ENUM -> "an enum";
      case DOMAIN -> "a domain";
      case EXTENSION -> "an extension's type";
    };
  }

  /** The name for messages, e.g. {@code public.mood}. */
  public String qualifiedName() {
    return schema + "." + name;
  }
}
