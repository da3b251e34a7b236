package dev.claudemesh.core.protocol;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Builds a frame's JSON object, leaving out absent optional members. */
final class Obj {
  private final Map<String, @Nullable Object> map = new LinkedHashMap<>();

  Obj(String type) {
    map.put("type", type);
  }

  Obj() {}

  Obj put(String name, @Nullable Object value) {
    if (value != null) {
      map.put(name, value);
    }
    return this;
  }

  Map<String, @Nullable Object> build() {
    return map;
  }
}
