package dev.claudemesh.daemon.hooks;

import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import com.jayway.jsonpath.spi.json.JsonSmartJsonProvider;
import com.jayway.jsonpath.spi.mapper.JsonSmartMappingProvider;
import com.squareup.moshi.JsonWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * The bytes a hook reads on stdin: the event as UTF-8 JSON, redacted, and at most {@link
 * #MAX_BYTES} (SPEC §9).
 *
 * <ol>
 *   <li>The event is deep-copied; the caller's map is never changed.
 *   <li>Each {@code redact_payload} path sets what it matches to {@code "[redacted]"}: nested
 *       members ({@code $.meta.secret}), wildcards ({@code $.meta.*}), deep scans ({@code
 *       $..token}) and filters all work; a path that matches nothing changes nothing. Redaction
 *       comes first, so redacted text never reaches the output, whole or cut.
 *   <li>When the JSON is over {@link #MAX_BYTES}, the longest string values are cut (at code point
 *       boundaries, so the result stays valid UTF-8) until it fits; the event gains {@code
 *       "_truncated": true} and {@code "_truncated_fields"}, the JSON paths of the cut strings.
 *   <li>When cutting strings cannot make it fit (say a huge array of numbers), the event becomes its
 *       top-level scalar members (numbers, booleans, nulls, strings up to 1 KiB), in order, as many
 *       as fit, plus {@code "_truncated": true}.
 * </ol>
 *
 * <p>Members keep their order. Integers are written as integers ({@code 1733250000000}, never
 * {@code 1.73325E12}). Values may be maps, lists, arrays, strings, numbers, booleans, enums (written
 * as their name) and nulls; a NaN or infinite number is written as null. Thread-safe.
 */
public final class HookPayload {
  /** The most bytes a hook reads on stdin. */
  public static final int MAX_BYTES = 256 * 1024;

  /** What a redacted value becomes. */
  public static final String REDACTED = "[redacted]";

  /** Added, true, when the event was cut to fit. */
  public static final String TRUNCATED = "_truncated";

  /** Added when strings were cut: their JSON paths. */
  public static final String TRUNCATED_FIELDS = "_truncated_fields";

  /** What a value nested deeper than 200 levels becomes (a sender's meta can be that deep). */
  public static final String TOO_DEEP = "[too deep]";

  /** Longest string the fallback keeps, in UTF-8 bytes. */
  static final int FALLBACK_MAX_STRING_BYTES = 1024;

  private static final int MAX_DEPTH = 200;
  private static final int MAX_SHRINK_ROUNDS = 12;
  /** {@code ,"_truncated":true,"_truncated_fields":[]} with room to spare. */
  private static final int MARKER_BYTES = 64;
  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** json-path over plain {@code java.util} maps and lists; a path that matches nothing is no error. */
  private static final Configuration JSON_PATH = Configuration.builder()
      .jsonProvider(new JsonSmartJsonProvider())
      .mappingProvider(new JsonSmartMappingProvider())
      .options(Option.SUPPRESS_EXCEPTIONS)
      .build();

  private HookPayload() {}

  /**
   * The stdin bytes for {@code event}.
   *
   * @param event the event; not changed
   * @param redactPaths JSON paths (checked by {@link HooksConfig}) whose values are redacted
   * @return UTF-8 JSON of at most {@link #MAX_BYTES}
   * @throws IllegalArgumentException when a path does not compile, selects the whole event or ends in
   *     a function (never silently unredacted), or a value is of a type that has no JSON form
   */
  public static byte[] encode(Map<String, @Nullable Object> event, List<String> redactPaths) {
    return encodeEvent(event, redactPaths).bytes();
  }

  /** The stdin bytes and whether anything was cut from them. */
  public record Encoded(byte[] bytes, boolean truncated) {}

  /**
   * {@link #encode}, also telling whether the event was cut: to fit {@link #MAX_BYTES} ({@value
   * #TRUNCATED} is then in it), or because parts were nested deeper than 200 levels (those became
   * {@value #TOO_DEEP}).
   */
  public static Encoded encodeEvent(Map<String, @Nullable Object> event, List<String> redactPaths) {
    boolean[] deep = new boolean[1];
    Map<String, @Nullable Object> tree = copyMap(event, 0, deep);
    redact(tree, redactPaths);
    byte[] json = write(tree);
    if (json.length <= MAX_BYTES) {
      return new Encoded(json, deep[0]);
    }
    byte[] shrunk = shrink(copyMap(tree, 0, deep), json.length);
    return new Encoded(shrunk != null ? shrunk : fallback(tree), true);
  }

  // ---- copy ----

  private static Map<String, @Nullable Object> copyMap(Map<?, ?> map, int depth, boolean[] deep) {
    Map<String, @Nullable Object> copy = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      copy.put(String.valueOf(e.getKey()), copy(e.getValue(), depth + 1, deep));
    }
    return copy;
  }

  private static @Nullable Object copy(@Nullable Object value, int depth, boolean[] deep) {
    if (depth > MAX_DEPTH) {
      deep[0] = true;
      return TOO_DEEP;
    }
    if (value == null || value instanceof String || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      return Double.isFinite(d) ? value : null;
    }
    if (value instanceof Number) {
      return value;
    }
    if (value instanceof CharSequence || value instanceof Character) {
      return value.toString();
    }
    if (value instanceof Enum) {
      return ((Enum<?>) value).name();
    }
    if (value instanceof Map) {
      return copyMap((Map<?, ?>) value, depth, deep);
    }
    if (value instanceof Collection) {
      List<@Nullable Object> copy = new ArrayList<>();
      for (Object element : (Collection<?>) value) {
        copy.add(copy(element, depth + 1, deep));
      }
      return copy;
    }
    if (value instanceof Object[]) {
      return copy(Arrays.asList((Object[]) value), depth, deep);
    }
    throw new IllegalArgumentException("a " + value.getClass().getName() + " in the event has no JSON form");
  }

  // ---- redaction ----

  private static void redact(Map<String, @Nullable Object> tree, List<String> paths) {
    for (String path : paths) {
      if (path.trim().equals("$")) {
        throw new IllegalArgumentException("redaction path $ selects the whole event");
      }
      JsonPath compiled;
      try {
        compiled = JsonPath.compile(path);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("redaction path is not a valid JSON path: " + e.getMessage(), e);
      }
      if (compiled.getPath().endsWith(")")) {
        throw new IllegalArgumentException("redaction path ends in a function: " + path);
      }
      compiled.set(tree, REDACTED, JSON_PATH);
    }
  }

  // ---- writing ----

  private static byte[] write(Map<String, @Nullable Object> tree) {
    Buffer buffer = new Buffer();
    try (JsonWriter writer = JsonWriter.of(buffer)) {
      writer.setSerializeNulls(true);
      writeValue(writer, tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // an in-memory buffer does not fail
    }
    return buffer.readByteArray();
  }

  private static void writeValue(JsonWriter writer, @Nullable Object value) throws IOException {
    if (value == null) {
      writer.nullValue();
    } else if (value instanceof String) {
      writer.value((String) value);
    } else if (value instanceof Boolean) {
      writer.value((boolean) (Boolean) value);
    } else if (value instanceof Long || value instanceof Integer || value instanceof Short
        || value instanceof Byte) {
      writer.value(((Number) value).longValue());
    } else if (value instanceof Number) {
      writer.value((Number) value);
    } else if (value instanceof Map) {
      writer.beginObject();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
        writer.name((String) e.getKey());
        writeValue(writer, e.getValue());
      }
      writer.endObject();
    } else {
      writer.beginArray();
      for (Object element : (List<?>) value) {
        writeValue(writer, element);
      }
      writer.endArray();
    }
  }

  // ---- shrinking: cut the longest strings ----

  /** A string value in the tree and where it sits. */
  private static final class Leaf {
    final Object container;
    final Object key;
    final String path;
    final String value;
    final int bytes;
    final int pathCost;

    Leaf(Object container, Object key, String path, String value) {
      this.container = container;
      this.key = key;
      this.path = path;
      this.value = value;
      this.bytes = encodedLength(value);
      // "path", in _truncated_fields
      this.pathCost = encodedLength(path) + 3;
    }

    @SuppressWarnings("unchecked")
    void replace(String cut) {
      if (container instanceof Map) {
        ((Map<Object, @Nullable Object>) container).put(key, cut);
      } else {
        ((List<@Nullable Object>) container).set((Integer) key, cut);
      }
    }
  }

  /**
   * Cuts every string longer than a level so that the strings above it end at it, the same as
   * cutting the longest string down to the next longest over and over, until the JSON fits.
   * Returns null when even empty strings do not make it fit.
   */
  private static byte @Nullable [] shrink(Map<String, @Nullable Object> tree, int size) {
    tree.remove(TRUNCATED);
    tree.remove(TRUNCATED_FIELDS);
    Set<String> cutPaths = new LinkedHashSet<>();
    int current = size;
    int level = Integer.MAX_VALUE;
    for (int round = 0; round < MAX_SHRINK_ROUNDS && level > 0; round++) {
      List<Leaf> leaves = new ArrayList<>();
      collect(tree, "$", leaves);
      int longest = 0;
      for (Leaf leaf : leaves) {
        longest = Math.max(longest, leaf.bytes);
      }
      if (longest == 0) {
        return null;
      }
      long need = (long) current - MAX_BYTES + MARKER_BYTES;
      int target = levelFor(leaves, need, longest);
      // the estimate fell short last round (escapes, paths): lower the level anyway
      level = target < level ? target : level / 2;
      for (Leaf leaf : leaves) {
        if (leaf.bytes > level) {
          leaf.replace(cut(leaf.value, level));
          cutPaths.add(leaf.path);
        }
      }
      tree.put(TRUNCATED, true);
      tree.put(TRUNCATED_FIELDS, new ArrayList<>(cutPaths));
      byte[] json = write(tree);
      if (json.length <= MAX_BYTES) {
        return json;
      }
      current = json.length;
      tree.remove(TRUNCATED);
      tree.remove(TRUNCATED_FIELDS);
    }
    return null;
  }

  /** The highest level at which cutting the strings above it saves at least {@code need} bytes. */
  private static int levelFor(List<Leaf> leaves, long need, int longest) {
    int low = 0;
    int high = longest;
    // savings(level) grows as the level drops; find the highest level that saves enough
    while (low < high) {
      int mid = (int) (((long) low + high + 1) / 2);
      if (savings(leaves, mid) >= need) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    return low;
  }

  private static long savings(List<Leaf> leaves, int level) {
    long saved = 0;
    for (Leaf leaf : leaves) {
      if (leaf.bytes > level) {
        saved += leaf.bytes - level - leaf.pathCost;
      }
    }
    return saved;
  }

  @SuppressWarnings("unchecked")
  private static void collect(@Nullable Object node, String path, List<Leaf> leaves) {
    if (node instanceof Map) {
      for (Map.Entry<String, @Nullable Object> e : ((Map<String, @Nullable Object>) node).entrySet()) {
        String childPath = member(path, e.getKey());
        if (e.getValue() instanceof String) {
          leaves.add(new Leaf(node, e.getKey(), childPath, (String) e.getValue()));
        } else {
          collect(e.getValue(), childPath, leaves);
        }
      }
    } else if (node instanceof List) {
      List<@Nullable Object> list = (List<@Nullable Object>) node;
      for (int i = 0; i < list.size(); i++) {
        String childPath = path + "[" + i + "]";
        if (list.get(i) instanceof String) {
          leaves.add(new Leaf(node, i, childPath, (String) list.get(i)));
        } else {
          collect(list.get(i), childPath, leaves);
        }
      }
    }
  }

  /** {@code $.name}, or {@code $['odd name']} when the name is not a plain identifier. */
  private static String member(String path, String name) {
    if (PLAIN_NAME.matcher(name).matches()) {
      return path + "." + name;
    }
    return path + "['" + name.replace("\\", "\\\\").replace("'", "\\'") + "']";
  }

  /** The longest prefix of {@code value} whose JSON string form (no quotes) has at most {@code max} bytes. */
  static String cut(String value, int max) {
    int used = 0;
    int i = 0;
    while (i < value.length()) {
      int cp = value.codePointAt(i);
      int bytes = encodedLength(cp);
      if (used + bytes > max) {
        break;
      }
      used += bytes;
      i += Character.charCount(cp);
    }
    return value.substring(0, i);
  }

  /** Bytes of {@code value} inside a JSON string, escapes included (an upper bound). */
  static int encodedLength(String value) {
    long total = 0;
    for (int i = 0; i < value.length(); ) {
      int cp = value.codePointAt(i);
      total += encodedLength(cp);
      i += Character.charCount(cp);
    }
    return (int) Math.min(total, Integer.MAX_VALUE);
  }

  private static int encodedLength(int cp) {
    if (cp == '"' || cp == '\\' || cp == '\n' || cp == '\r' || cp == '\t' || cp == '\b' || cp == '\f') {
      return 2;
    }
    if (cp < 0x20 || cp == 0x2028 || cp == 0x2029) {
      return 6;
    }
    if (cp < 0x80) {
      return 1;
    }
    if (cp < 0x800) {
      return 2;
    }
    if (cp < 0x10000) {
      return 3; // a lone surrogate is written as one replacement byte: 3 is an upper bound
    }
    return 4;
  }

  // ---- fallback: top-level scalars only ----

  private static byte[] fallback(Map<String, @Nullable Object> tree) {
    Map<String, @Nullable Object> kept = new LinkedHashMap<>();
    // {} plus "_truncated":true
    long size = 2 + 1 + encodedLength(TRUNCATED) + 2 + 1 + 4;
    for (Map.Entry<String, @Nullable Object> e : tree.entrySet()) {
      Object value = e.getValue();
      if (e.getKey().equals(TRUNCATED) || e.getKey().equals(TRUNCATED_FIELDS) || value instanceof Map
          || value instanceof List) {
        continue;
      }
      int keyBytes = encodedLength(e.getKey());
      int valueBytes;
      if (value instanceof String) {
        valueBytes = encodedLength((String) value);
        if (valueBytes > FALLBACK_MAX_STRING_BYTES) {
          continue;
        }
        valueBytes += 2;
      } else {
        // numbers, booleans, null: written as their text
        valueBytes = String.valueOf(value).length();
      }
      if (keyBytes > FALLBACK_MAX_STRING_BYTES) {
        continue;
      }
      long entry = keyBytes + 2 + 1 + valueBytes + 1;
      if (size + entry > MAX_BYTES) {
        break;
      }
      size += entry;
      kept.put(e.getKey(), value);
    }
    kept.put(TRUNCATED, true);
    byte[] json = write(kept);
    if (json.length <= MAX_BYTES) {
      return json;
    }
    Map<String, @Nullable Object> marker = new LinkedHashMap<>();
    marker.put(TRUNCATED, true);
    return write(marker);
  }
}
