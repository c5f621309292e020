package io.sluice.core.event;

import java.util.AbstractMap;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * An unmodifiable column-to-value map in column order that nobody else holds a reference to, so an
 * event can keep it without a defensive copy: events are decoded by the million.
 */
final class FrozenRow extends AbstractMap<String, String> {
  private final Map<String, String> values;

  private FrozenRow(Map<String, String> values) {
    this.values = values;
  }

  /** A copy of any map, in its iteration order. */
  static Map<String, String> copyOf(Map<String, String> map) {
    return map instanceof FrozenRow ? map : new FrozenRow(new LinkedHashMap<>(map));
  }

  /** Takes over a map the caller built and drops. */
  static Map<String, String> adopt(LinkedHashMap<String, String> owned) {
    return new FrozenRow(owned);
  }

  @Override
  public String get(Object key) {
    return values.get(key);
  }

  @Override
  public boolean containsKey(Object key) {
    return values.containsKey(key);
  }

  @Override
  public boolean containsValue(Object value) {
    return values.containsValue(value);
  }

  @Override
  public int size() {
    return values.size();
  }

  @Override
  public Set<String> keySet() {
    return Collections.unmodifiableSet(values.keySet());
  }

  @Override
  public Collection<String> values() {
    return Collections.unmodifiableCollection(values.values());
  }

  @Override
  public boolean equals(Object o) {
    return o == this || values.equals(o instanceof FrozenRow f ? f.values : o);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public Set<Entry<String, String>> entrySet() {
    return Collections.unmodifiableMap(values).entrySet();
  }
}
