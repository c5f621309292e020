package io.sluice.core.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableSchema;
import io.sluice.core.schema.UserType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of a schema event ({@link Op#SCHEMA}) that {@link ChangeEventCodec} writes beside the
 * event's common fields: the table's columns, its key and the user types its columns use. The
 * layout is described on {@link ChangeEventCodec}.
 */
final class SchemaEventCodec {
  private SchemaEventCodec() {}

  /**
   * Whether the schema needs layout version 3: it has a generated column or a type of an extension,
   * which readers of version 2 would take for something else.
   */
  static boolean needsVersionThree(TableSchema s) {
    return s.columns().stream().anyMatch(ColumnSchema::isGenerated)
        || s.types().stream().anyMatch(u -> u.kind() == UserType.Kind.EXTENSION);
  }

  static void write(JsonGenerator g, TableSchema schema) throws IOException {
    g.writeArrayFieldStart("columns");
    for (ColumnSchema c : schema.columns()) {
      g.writeStartObject();
      g.writeStringField("name", c.name());
      g.writeStringField("type", c.type());
      g.writeBooleanField("nullable", c.nullable());
      if (c.defaultExpr() != null) {
        g.writeStringField("default", c.defaultExpr());
      }
      if (c.attnum() > 0) {
        g.writeNumberField("attnum", c.attnum());
      }
      if (c.isGenerated()) {
        g.writeStringField("generated", c.generated());
      }
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("keyColumns");
    for (String k : schema.keyColumns()) {
      g.writeString(k);
    }
    g.writeEndArray();
    if (!schema.types().isEmpty()) {
      g.writeArrayFieldStart("types");
      for (UserType u : schema.types()) {
        writeType(g, u);
      }
      g.writeEndArray();
    }
  }

  private static void writeType(JsonGenerator g, UserType u) throws IOException {
    g.writeStartObject();
    g.writeStringField("schema", u.schema());
    g.writeStringField("name", u.name());
    if (u.kind() == UserType.Kind.ENUM) {
      g.writeStringField("kind", "enum");
      g.writeArrayFieldStart("labels");
      for (String label : u.labels()) {
        g.writeString(label);
      }
      g.writeEndArray();
    } else if (u.kind() == UserType.Kind.EXTENSION) {
      g.writeStringField("kind", "extension");
      g.writeStringField("extension", u.extension());
    } else {
      g.writeStringField("kind", "domain");
      g.writeStringField("base", u.baseType());
      g.writeBooleanField("notNull", u.notNull());
      if (u.defaultExpression() != null) {
        g.writeStringField("default", u.defaultExpression());
      }
      g.writeArrayFieldStart("checks");
      for (String check : u.checks()) {
        g.writeString(check);
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  static List<UserType> readTypes(JsonParser p) throws IOException {
    ChangeEventCodec.expect(p.currentToken(), JsonToken.START_ARRAY);
    List<UserType> types = new ArrayList<>();
    while (p.nextToken() == JsonToken.START_OBJECT) {
      String schema = null;
      String name = null;
      String kind = null;
      List<String> labels = List.of();
      String base = null;
      boolean notNull = false;
      String defaultExpr = null;
      List<String> checks = List.of();
      String extension = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "schema" -> schema = p.getText();
          case "name" -> name = p.getText();
          case "kind" -> kind = p.getText();
          case "labels" -> labels = ChangeEventCodec.readList(p);
          case "base" -> base = p.getText();
          case "notNull" -> notNull = p.getBooleanValue();
          case "default" -> defaultExpr = p.getText();
          case "checks" -> checks = ChangeEventCodec.readList(p);
          case "extension" -> extension = p.getText();
          default -> p.skipChildren();
        }
      }
      if (schema == null || name == null || kind == null) {
        throw new IOException("a type of a schema event lacks its schema, name or kind");
      }
      types.add(
          switch (kind) {
            case "enum" -> UserType.enumOf(schema, name, labels);
            case "domain" -> UserType.domainOf(schema, name, base, notNull, defaultExpr, checks);
            case "extension" -> UserType.extensionOf(schema, name, extension);
            default ->
                throw new IOException(
                    "type " + schema + "." + name + " of a schema event has unknown kind " + kind);
          });
    }
    return types;
  }

  static List<ColumnSchema> readColumns(JsonParser p) throws IOException {
    ChangeEventCodec.expect(p.currentToken(), JsonToken.START_ARRAY);
    List<ColumnSchema> columns = new ArrayList<>();
    while (p.nextToken() == JsonToken.START_OBJECT) {
      String name = null;
      String type = null;
      boolean nullable = true;
      String defaultExpr = null;
      int attnum = 0;
      String generated = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "name" -> name = p.getText();
          case "type" -> type = p.getText();
          case "nullable" -> nullable = p.getBooleanValue();
          case "default" -> defaultExpr = p.getText();
          case "attnum" -> attnum = p.getIntValue();
          case "generated" -> generated = p.getText();
          default -> p.skipChildren();
        }
      }
      if (name == null || type == null) {
        throw new IOException("a column of a schema event lacks its name or type");
      }
      columns.add(new ColumnSchema(name, type, nullable, defaultExpr, attnum, generated));
    }
    return columns;
  }
}
