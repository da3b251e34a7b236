package dev.claudemesh.core.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads typed members out of a parsed frame object. Type errors become {@link
 * InvalidFrameException}s naming the frame type and field; value rules are left to the frame
 * constructors ({@link Check}).
 */
final class Fields {
  /** Largest integer a JSON number carries exactly (2^53). */
  private static final double MAX_SAFE = 9007199254740992.0;

  private final String type;
  private final Map<String, @Nullable Object> json;

  Fields(String type, Map<String, @Nullable Object> json) {
    this.type = type;
    this.json = json;
  }

  String type() {
    return type;
  }

  InvalidFrameException invalid(String problem) {
    return new InvalidFrameException(type, problem);
  }

  boolean has(String field) {
    return json.get(field) != null;
  }

  String string(String field) throws InvalidFrameException {
    String value = optionalString(field);
    if (value == null) {
      throw invalid(field + " is required");
    }
    return value;
  }

  @Nullable String optionalString(String field) throws InvalidFrameException {
    Object value = json.get(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String)) {
      throw invalid(field + " must be a string");
    }
    return (String) value;
  }

  long integer(String field) throws InvalidFrameException {
    Long value = optionalInteger(field);
    if (value == null) {
      throw invalid(field + " is required");
    }
    return value;
  }

  @Nullable Long optionalInteger(String field) throws InvalidFrameException {
    Object value = json.get(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Number)) {
      throw invalid(field + " must be a number");
    }
    double d = ((Number) value).doubleValue();
    if (d != Math.rint(d) || Math.abs(d) > MAX_SAFE) {
      throw invalid(field + " must be an integer");
    }
    return (long) d;
  }

  boolean bool(String field) throws InvalidFrameException {
    Boolean value = optionalBool(field);
    if (value == null) {
      throw invalid(field + " is required");
    }
    return value;
  }

  @Nullable Boolean optionalBool(String field) throws InvalidFrameException {
    Object value = json.get(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Boolean)) {
      throw invalid(field + " must be a boolean");
    }
    return (Boolean) value;
  }

  @SuppressWarnings("unchecked")
  @Nullable Map<String, @Nullable Object> optionalObject(String field) throws InvalidFrameException {
    Object value = json.get(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Map)) {
      throw invalid(field + " must be an object");
    }
    return (Map<String, @Nullable Object>) value;
  }

  Map<String, @Nullable Object> object(String field) throws InvalidFrameException {
    Map<String, @Nullable Object> value = optionalObject(field);
    if (value == null) {
      throw invalid(field + " is required");
    }
    return value;
  }

  @Nullable List<?> optionalList(String field) throws InvalidFrameException {
    Object value = json.get(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof List)) {
      throw invalid(field + " must be an array");
    }
    return (List<?>) value;
  }

  @Nullable List<String> optionalStrings(String field) throws InvalidFrameException {
    List<?> list = optionalList(field);
    if (list == null) {
      return null;
    }
    List<String> out = new ArrayList<>(list.size());
    for (Object item : list) {
      if (!(item instanceof String)) {
        throw invalid(field + " must be an array of strings");
      }
      out.add((String) item);
    }
    return out;
  }

  List<String> strings(String field) throws InvalidFrameException {
    List<String> value = optionalStrings(field);
    if (value == null) {
      throw invalid(field + " is required");
    }
    return value;
  }

  /** The members of an array of objects, each wrapped for further reading. */
  @SuppressWarnings("unchecked")
  List<Fields> objects(String field, String itemType) throws InvalidFrameException {
    List<?> list = optionalList(field);
    if (list == null) {
      throw invalid(field + " is required");
    }
    List<Fields> out = new ArrayList<>(list.size());
    for (Object item : list) {
      if (!(item instanceof Map)) {
        throw invalid(field + " must be an array of objects");
      }
      out.add(new Fields(type + "." + itemType, (Map<String, @Nullable Object>) item));
    }
    return out;
  }
}
