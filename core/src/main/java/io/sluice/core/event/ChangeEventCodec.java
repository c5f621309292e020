package io.sluice.core.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.sluice.core.SluiceException;
import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import io.sluice.core.schema.UserType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Encodes change events as compact versioned JSON for Kafka values, and row keys for Kafka keys.
 *
 * <p>Value layout, version 3: {@code {"v":3,"schema":..,"table":..,"op":"u","lsn":..,"tx":..,
 * "ts":..,"key":{col:text},"after":{col:text|null},"unchanged":[col]}}, and {@code "co":..} on a
 * change of a table without a key ({@link ChangeEvent#commitOrder()}); a schema event (op {@code
 * s}) holds instead {@code
 * "columns":[{"name":..,"type":..,"nullable":bool,"default":sql,"attnum":n,"generated":sql}],
 * "keyColumns":[col]} and, when its columns use enums, domains or extensions' types, {@code
 * "types":[{"schema":..,"name":..,"kind":"enum"|"domain"|"extension",
 * "labels":[..],"base":..,"notNull":bool,"default":sql,"checks":[..],"extension":..}]},
 * dependencies first. Version 2 lacks generated columns and extensions' types, version 1 also the
 * {@code l} op and {@code attnum}.
 *
 * <p>An event is written in the lowest version that holds it: only a schema event with a generated
 * column or an extension's type needs version 3, so workers of the release before read everything
 * else. A reader refuses versions it does not know instead of guessing. Thread-safe.
 */
public final class ChangeEventCodec {
  /** The layout this build writes; it reads this and every earlier one. */
  public static final int VERSION = 3;

  /** Values up to Kafka's 64 MiB message limit: Jackson's default stops at 20M characters. */
  private static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder().maxStringLength(128 * 1024 * 1024).build())
          .build();

  /** The Kafka record key: table and key values, so one row always lands in one partition. */
  public byte[] encodeKey(TableId table, Map<String, String> key) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartArray();
      g.writeString(table.schema());
      g.writeString(table.table());
      for (String v : key.values()) {
        g.writeString(v);
      }
      g.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public byte[] encode(ChangeEvent e) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("v", version(e));
      g.writeStringField("schema", e.table().schema());
      g.writeStringField("table", e.table().table());
      g.writeStringField("op", String.valueOf(e.op().code()));
      g.writeNumberField("lsn", e.lsn());
      g.writeNumberField("tx", e.txId());
      g.writeNumberField("ts", e.sourceTsMicros());
      if (e.commitOrder() != 0) {
        g.writeNumberField("co", e.commitOrder());
      }
      writeMap(g, "key", e.key());
      if (e.after() != null) {
        writeMap(g, "after", e.after());
      }
      if (!e.unchanged().isEmpty()) {
        g.writeArrayFieldStart("unchanged");
        // Sorted: Set.copyOf iterates in a per-JVM order, and the same event should encode to
        // the same bytes in every process (replay fixtures compare them).
        for (String c : new TreeSet<>(e.unchanged())) {
          g.writeString(c);
        }
        g.writeEndArray();
      }
      if (e.schema() != null) {
        SchemaEventCodec.write(g, e.schema());
      }
      g.writeEndObject();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return out.toByteArray();
  }

  /**
   * Decodes a value written by {@link #encode}.
   *
   * @throws SluiceException if the bytes are not a change event of a version this build reads, or
   *     the event lacks a field it needs; the message says which
   */
  public ChangeEvent decode(byte[] bytes) {
    return decode(bytes, 0, bytes.length);
  }

  /**
   * Decodes {@code length} bytes from {@code offset} of {@code bytes}, as {@link #decode(byte[])}.
   */
  public ChangeEvent decode(byte[] bytes, int offset, int length) {
    try (JsonParser p = JSON.createParser(bytes, offset, length)) {
      expect(p.nextToken(), JsonToken.START_OBJECT);
      int version = -1;
      String schema = null;
      String table = null;
      String opCode = null;
      long lsn = 0;
      long tx = 0;
      long ts = 0;
      long commitOrder = 0;
      Map<String, String> key = Map.of();
      Map<String, String> after = null;
      Set<String> unchanged = Set.of();
      List<ColumnSchema> columns = null;
      List<String> keyColumns = null;
      List<UserType> types = List.of();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          // The writer puts "v" first. Checking it at once means a newer layout is reported as
          // a version problem, not as whatever its first unfamiliar field would trip over.
          case "v" -> version = checkVersion(p.getIntValue());
          case "schema" -> schema = p.getText();
          case "table" -> table = p.getText();
          case "op" -> opCode = p.getText();
          case "lsn" -> lsn = p.getLongValue();
          case "tx" -> tx = p.getLongValue();
          case "ts" -> ts = p.getLongValue();
          case "co" -> commitOrder = p.getLongValue();
          case "key" -> key = readMap(p, 4);
          case "after" -> after = readMap(p, 32);
          case "unchanged" -> unchanged = readSet(p);
          case "columns" -> columns = SchemaEventCodec.readColumns(p);
          case "keyColumns" -> keyColumns = readList(p);
          case "types" -> types = SchemaEventCodec.readTypes(p);
          default -> p.skipChildren();
        }
      }
      if (version == -1) {
        throw new SluiceException("change event has no version field \"v\"; not written by sluice");
      }
      if (schema == null || table == null || opCode == null) {
        throw new SluiceException(
            "change event v" + version + " lacks a field: schema, table and op are required");
      }
      TableId id = new TableId(schema, table);
      Op op = op(opCode);
      if (op == Op.SCHEMA) {
        if (columns == null || keyColumns == null) {
          throw new SluiceException(
              "schema event of " + id + " lacks its columns or keyColumns field");
        }
        return ChangeEvent.schemaChange(
            new TableSchema(id, columns, keyColumns, types), lsn, tx, ts);
      }
      return new ChangeEvent(id, op, lsn, tx, ts, key, after, unchanged, null, commitOrder);
    } catch (IOException ex) {
      throw new SluiceException("change event is not valid JSON: " + ex.getMessage(), ex);
    } catch (IllegalArgumentException ex) {
      throw new SluiceException("change event is malformed: " + ex.getMessage(), ex);
    }
  }

  /** The lowest version that holds the event. */
  static int version(ChangeEvent e) {
    return e.schema() != null && SchemaEventCodec.needsVersionThree(e.schema()) ? 3 : 2;
  }

  private static int checkVersion(int version) {
    if (version < 1 || version > VERSION) {
      throw new SluiceException(
          "change event version "
              + version
              + " is not supported (this build reads 1 to "
              + VERSION
              + "); upgrade the apply workers");
    }
    return version;
  }

  private static Op op(String code) {
    if (code.length() != 1) {
      throw new IllegalArgumentException("unknown change op code '" + code + "'");
    }
    return Op.fromCode(code.charAt(0));
  }

  private static void writeMap(JsonGenerator g, String name, Map<String, String> map)
      throws IOException {
    g.writeObjectFieldStart(name);
    for (Map.Entry<String, String> en : map.entrySet()) {
      if (en.getValue() == null) {
        g.writeNullField(en.getKey());
      } else {
        g.writeStringField(en.getKey(), en.getValue());
      }
    }
    g.writeEndObject();
  }

  /** A column map sized for about {@code columns} entries, kept by the event without a copy. */
  private static Map<String, String> readMap(JsonParser p, int columns) throws IOException {
    expect(p.currentToken(), JsonToken.START_OBJECT);
    LinkedHashMap<String, String> map = new LinkedHashMap<>(columns * 4 / 3 + 1);
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      map.put(name, t == JsonToken.VALUE_NULL ? null : p.getText());
    }
    return FrozenRow.adopt(map);
  }

  private static Set<String> readSet(JsonParser p) throws IOException {
    return new HashSet<>(readList(p));
  }

  static List<String> readList(JsonParser p) throws IOException {
    expect(p.currentToken(), JsonToken.START_ARRAY);
    List<String> items = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      items.add(p.getText());
    }
    return items;
  }

  static void expect(JsonToken actual, JsonToken expected) throws IOException {
    if (actual != expected) {
      throw new IOException("expected " + expected + " but found " + actual);
    }
  }
}
