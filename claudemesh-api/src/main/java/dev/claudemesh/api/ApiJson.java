package dev.claudemesh.api;

import com.squareup.moshi.Json;
import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonEncodingException;
import com.squareup.moshi.JsonReader;
import com.squareup.moshi.JsonWriter;
import com.squareup.moshi.Moshi;
import com.squareup.moshi.Types;
import java.io.EOFException;
import java.lang.annotation.Annotation;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * Reads and writes the {@code /v1} bodies.
 *
 * <p>Writing uses Moshi 1.15.2, whose built-in record adapter (Java 16+) maps each component by
 * its {@code @Json(name)} and leaves out null members. Reading does not use that adapter: it fills
 * a missing member with null, ignores unknown ones and puts offending values into its error
 * messages. Instead Moshi's {@link JsonReader} builds a plain tree (refusing duplicate members),
 * which is then bound to the record by its components: a missing non-null member, a null where
 * one is not allowed, or a wrong JSON type fails with {@link ApiJsonException} naming the member.
 * Bodies of {@link ApiRequest} types also refuse unknown members; response types ignore them.
 *
 * <p>Numbers in free-form objects ({@code meta}, event data) read as {@code Long} when integral
 * and in range, else {@code Double}. Thread-safe.
 */
public final class ApiJson {
  private ApiJson() {}

  /**
   * Records leave out null members, but a free-form object ({@code meta}, event data, broker
   * feature parameters) keeps them: {@code {"a":null}} and {@code {}} have different canonical
   * forms and so different request fingerprints.
   */
  private static final Moshi MOSHI = new Moshi.Builder()
      .add(new JsonAdapter.Factory() {
        @Override
        public @Nullable JsonAdapter<?> create(Type type, Set<? extends Annotation> annotations,
            Moshi moshi) {
          if (Types.getRawType(type) != Map.class) {
            return null;
          }
          return new NullKeepingAdapter(moshi.nextAdapter(this, type, annotations));
        }
      })
      .build();
  private static final Map<Class<?>, RecordShape> SHAPES = new ConcurrentHashMap<>();
  private static final int MAX_NAME_SHOWN = 64;

  /** Writes null members inside the value, while an absent value itself stays absent. */
  private static final class NullKeepingAdapter extends JsonAdapter<Object> {
    private final JsonAdapter<Object> delegate;

    @SuppressWarnings("unchecked")
    NullKeepingAdapter(JsonAdapter<?> delegate) {
      this.delegate = (JsonAdapter<Object>) delegate;
    }

    @Override
    public @Nullable Object fromJson(JsonReader reader) throws IOException {
      return delegate.fromJson(reader);
    }

    @Override
    public void toJson(JsonWriter writer, @Nullable Object value) throws IOException {
      if (value == null) {
        writer.nullValue();
        return;
      }
      boolean serializeNulls = writer.getSerializeNulls();
      writer.setSerializeNulls(true);
      try {
        delegate.toJson(writer, value);
      } finally {
        writer.setSerializeNulls(serializeNulls);
      }
    }
  }

  /** The configured Moshi, for callers that stream (the client's OkHttp bodies). */
  public static Moshi moshi() {
    return MOSHI;
  }

  /** {@code value} as compact JSON; null record members are left out. */
  public static String toJson(Object value) {
    JsonAdapter<Object> adapter = MOSHI.adapter(Object.class);
    return value.getClass().isRecord() ? adapter.toJson(value)
        : adapter.serializeNulls().toJson(value);
  }

  /**
   * Reads {@code json} as {@code type}: a record of this package, or {@code Map}/{@code List}/
   * {@code String} for free-form JSON.
   *
   * @throws ApiJsonException naming the member when the body is malformed or does not fit
   */
  public static <T> T fromJson(String json, Class<T> type) {
    Object tree = parse(json);
    boolean strict = ApiRequest.class.isAssignableFrom(type);
    return type.cast(bind(tree, type, "$", strict));
  }

  /**
   * Decodes a request body as UTF-8, refusing malformed bytes instead of replacing them.
   *
   * @throws ApiJsonException when the bytes are not UTF-8
   */
  public static String decodeUtf8(byte[] body) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body))
          .toString();
    } catch (CharacterCodingException e) {
      throw new ApiJsonException("$", "body is not valid UTF-8");
    }
  }

  // ---- parsing: JSON text to a tree of Map, List, String, Boolean, Long, Double, null ----

  private static @Nullable Object parse(String json) {
    if (isJsonWhitespace(json)) {
      throw new ApiJsonException("$", "empty body");
    }
    JsonReader reader = JsonReader.of(new Buffer().writeUtf8(json));
    boolean valueRead = false;
    try {
      Object tree = readValue(reader);
      valueRead = true;
      if (reader.peek() != JsonReader.Token.END_DOCUMENT) {
        throw new ApiJsonException("$", "unexpected content after the JSON value");
      }
      return tree;
    } catch (EOFException e) {
      throw new ApiJsonException("$", "truncated JSON");
    } catch (JsonEncodingException | JsonDataException e) {
      if (valueRead) {
        // strict Moshi refuses a second top-level value before peek() can report it
        throw new ApiJsonException("$", "unexpected content after the JSON value");
      }
      throw new ApiJsonException(shownPath(reader.getPath()), "malformed JSON");
    } catch (IOException e) {
      throw new ApiJsonException("$", "unreadable JSON");
    }
  }

  private static boolean isJsonWhitespace(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return false;
      }
    }
    return true;
  }

  private static @Nullable Object readValue(JsonReader reader) throws IOException {
    switch (reader.peek()) {
      case BEGIN_OBJECT: {
        Map<String, @Nullable Object> map = new LinkedHashMap<>();
        reader.beginObject();
        while (reader.hasNext()) {
          String name = reader.nextName();
          if (map.containsKey(name)) {
            throw new ApiJsonException(shownPath(reader.getPath()), "duplicate member");
          }
          map.put(name, readValue(reader));
        }
        reader.endObject();
        return map;
      }
      case BEGIN_ARRAY: {
        List<@Nullable Object> list = new ArrayList<>();
        reader.beginArray();
        while (reader.hasNext()) {
          list.add(readValue(reader));
        }
        reader.endArray();
        return list;
      }
      case STRING:
        return reader.nextString();
      case NUMBER:
        return number(reader.nextString(), reader);
      case BOOLEAN:
        return reader.nextBoolean();
      case NULL:
        return reader.nextNull();
      default:
        throw new ApiJsonException(shownPath(reader.getPath()), "malformed JSON");
    }
  }

  private static Object number(String literal, JsonReader reader) {
    try {
      BigDecimal d = new BigDecimal(literal);
      if (literal.indexOf('.') < 0 && literal.indexOf('e') < 0 && literal.indexOf('E') < 0) {
        try {
          return d.longValueExact();
        } catch (ArithmeticException e) {
          // too large for a long: fall through to double
        }
      }
      double v = d.doubleValue();
      if (Double.isInfinite(v)) {
        throw new ApiJsonException(shownPath(reader.getPath()), "number out of range");
      }
      return v;
    } catch (NumberFormatException e) {
      throw new ApiJsonException(shownPath(reader.getPath()), "malformed number");
    }
  }

  // ---- binding: tree to the target type ----

  private static @Nullable Object bind(@Nullable Object node, Type type, String path,
      boolean strict) {
    if (node == null) {
      throw new ApiJsonException(path, "must not be null");
    }
    Class<?> raw = rawType(type);
    if (raw == String.class) {
      return expect(node, String.class, "a string", path);
    }
    if (raw == Boolean.class || raw == boolean.class) {
      return expect(node, Boolean.class, "a boolean", path);
    }
    if (raw == Long.class || raw == long.class) {
      return integer(node, path, Long.MIN_VALUE, Long.MAX_VALUE);
    }
    if (raw == Integer.class || raw == int.class) {
      return (int) integer(node, path, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }
    if (raw == Double.class || raw == double.class) {
      return ((Number) expect(node, Number.class, "a number", path)).doubleValue();
    }
    if (raw == Object.class) {
      return node;
    }
    if (raw == List.class) {
      List<?> list = (List<?>) expect(node, List.class, "an array", path);
      Type element = typeArgument(type, 0);
      List<@Nullable Object> out = new ArrayList<>(list.size());
      for (int i = 0; i < list.size(); i++) {
        out.add(bind(list.get(i), element, path + "[" + i + "]", strict));
      }
      return Collections.unmodifiableList(out);
    }
    if (raw == Map.class) {
      Map<?, ?> map = (Map<?, ?>) expect(node, Map.class, "an object", path);
      Type value = typeArgument(type, 1);
      if (rawType(value) == Object.class) {
        return Collections.unmodifiableMap(map);
      }
      Map<String, @Nullable Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String name = (String) e.getKey();
        out.put(name, bind(e.getValue(), value, member(path, name), strict));
      }
      return Collections.unmodifiableMap(out);
    }
    if (raw.isRecord()) {
      Map<?, ?> map = (Map<?, ?>) expect(node, Map.class, "an object", path);
      return shape(raw).bind(map, path, strict);
    }
    throw new IllegalArgumentException("no JSON binding for " + type.getTypeName());
  }

  private static Object expect(Object node, Class<?> type, String expected, String path) {
    if (!type.isInstance(node)) {
      throw new ApiJsonException(path, "expected " + expected + ", got " + kind(node));
    }
    return node;
  }

  private static long integer(Object node, String path, long min, long max) {
    Number n = (Number) expect(node, Number.class, "an integer", path);
    if (!(n instanceof Long)) {
      throw new ApiJsonException(path, "expected an integer, got a number with a fraction or exponent");
    }
    long v = n.longValue();
    if (v < min || v > max) {
      throw new ApiJsonException(path, "integer out of range");
    }
    return v;
  }

  private static String kind(Object node) {
    if (node instanceof String) {
      return "a string";
    }
    if (node instanceof Boolean) {
      return "a boolean";
    }
    if (node instanceof Number) {
      return "a number";
    }
    if (node instanceof List) {
      return "an array";
    }
    return "an object";
  }

  private static Class<?> rawType(Type type) {
    if (type instanceof Class) {
      return (Class<?>) type;
    }
    if (type instanceof ParameterizedType) {
      return (Class<?>) ((ParameterizedType) type).getRawType();
    }
    // wildcards and type variables do not occur in the wire records
    return Object.class;
  }

  private static Type typeArgument(Type type, int index) {
    if (type instanceof ParameterizedType) {
      return ((ParameterizedType) type).getActualTypeArguments()[index];
    }
    return Object.class;
  }

  /** {@code path.name}, or a placeholder when the name is too long or not printable ASCII. */
  private static String member(String path, String name) {
    return path + "." + shownName(name);
  }

  private static String shownName(String name) {
    if (name.isEmpty() || name.length() > MAX_NAME_SHOWN) {
      return "<member name of " + name.length() + " chars>";
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x21 || c > 0x7E) {
        return "<member name with unprintable characters>";
      }
    }
    return name;
  }

  private static String shownPath(String moshiPath) {
    if (moshiPath.endsWith(".")) {
      // inside an object, before the first member name
      moshiPath = moshiPath.substring(0, moshiPath.length() - 1);
    }
    if (moshiPath.length() > 200) {
      return "$";
    }
    for (int i = 0; i < moshiPath.length(); i++) {
      char c = moshiPath.charAt(i);
      if (c < 0x21 || c > 0x7E) {
        return "$";
      }
    }
    return moshiPath;
  }

  private static RecordShape shape(Class<?> type) {
    return SHAPES.computeIfAbsent(type, RecordShape::new);
  }

  /** How one record maps to a JSON object: member names, types, nullability, constructor. */
  private static final class RecordShape {
    private final String[] names;
    private final Type[] types;
    private final boolean[] nullable;
    private final Map<String, Integer> index = new LinkedHashMap<>();
    private final Constructor<?> constructor;

    RecordShape(Class<?> type) {
      RecordComponent[] components = type.getRecordComponents();
      names = new String[components.length];
      types = new Type[components.length];
      nullable = new boolean[components.length];
      Class<?>[] raw = new Class<?>[components.length];
      for (int i = 0; i < components.length; i++) {
        RecordComponent c = components[i];
        Json json = c.getAccessor().getAnnotation(Json.class);
        names[i] = json != null ? json.name() : c.getName();
        types[i] = c.getGenericType();
        nullable[i] = c.getAnnotatedType().isAnnotationPresent(Nullable.class);
        raw[i] = c.getType();
        index.put(names[i], i);
      }
      try {
        constructor = type.getDeclaredConstructor(raw);
      } catch (NoSuchMethodException e) {
        throw new IllegalStateException("record without canonical constructor: " + type, e);
      }
    }

    Object bind(Map<?, ?> map, String path, boolean strict) {
      if (strict) {
        for (Object key : map.keySet()) {
          String name = (String) key;
          if (!index.containsKey(name)) {
            throw new ApiJsonException(member(path, name), "unknown member");
          }
        }
      }
      Object[] args = new Object[names.length];
      for (int i = 0; i < names.length; i++) {
        String memberPath = member(path, names[i]);
        Object node = map.get(names[i]);
        if (node == null) {
          if (!nullable[i]) {
            throw new ApiJsonException(memberPath, map.containsKey(names[i])
                ? "must not be null" : "required member is missing");
          }
          args[i] = null;
        } else {
          args[i] = ApiJson.bind(node, types[i], memberPath, strict);
        }
      }
      try {
        return constructor.newInstance(args);
      } catch (InvocationTargetException e) {
        if (e.getCause() instanceof IllegalArgumentException) {
          throw new ApiJsonException(path, e.getCause().getMessage());
        }
        throw new IllegalStateException("cannot build " + constructor.getDeclaringClass(), e);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot build " + constructor.getDeclaringClass(), e);
      }
    }
  }
}
