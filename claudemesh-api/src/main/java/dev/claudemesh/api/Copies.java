package dev.claudemesh.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Immutable copies for record components; JSON objects may hold null values, so not Map.copyOf. */
final class Copies {
  private Copies() {}

  static <T> @Nullable List<T> list(@Nullable List<T> list) {
    return list == null ? null : List.copyOf(list);
  }

  static <V> @Nullable Map<String, V> map(@Nullable Map<String, V> map) {
    return map == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }

  /** {@code "name=<n chars>"}, or nothing when absent: lengths only, never content. */
  static String length(String name, @Nullable String value) {
    return value == null ? "" : ", " + name + "=<" + value.length() + " chars>";
  }

  static String size(String name, @Nullable Map<String, ?> value) {
    return value == null ? "" : ", " + name + "=<" + value.size() + " members>";
  }
}
