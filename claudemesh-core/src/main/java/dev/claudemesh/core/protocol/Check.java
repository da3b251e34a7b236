package dev.claudemesh.core.protocol;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Value rules shared by every frame's constructor. Each throws {@link IllegalArgumentException}
 * naming the field and the rule, never the value.
 */
final class Check {
  /** Longest id, name or short text field accepted on the wire. */
  static final int MAX_ID = 256;

  static final int MAX_TEXT = 4096;
  /** Longest base64 ciphertext: a 1 MiB inline payload plus box overhead, base64-expanded. */
  static final int MAX_CIPHERTEXT_CHARS = (Frames.MAX_INLINE_BYTES + 2) / 3 * 4;

  private Check() {}

  static String notNull(@Nullable String value, String field) {
    if (value == null) {
      throw new IllegalArgumentException(field + " is required");
    }
    return value;
  }

  /** A 64-character lowercase hex string (a public key or a SHA-256). */
  static String hex(String value, String field, int length) {
    if (value.length() != length) {
      throw new IllegalArgumentException(field + " must be " + length + " lowercase hex characters");
    }
    for (int i = 0; i < length; i++) {
      char c = value.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        throw new IllegalArgumentException(field + " must be " + length + " lowercase hex characters");
      }
    }
    return value;
  }

  static String hex64(String value, String field) {
    return hex(value, field, 64);
  }

  /** An identifier: 1..{@code max} printable ASCII characters. */
  static String id(String value, String field, int max) {
    if (value.isEmpty() || value.length() > max) {
      throw new IllegalArgumentException(field + " must be 1-" + max + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        throw new IllegalArgumentException(field + " must be printable ASCII");
      }
    }
    return value;
  }

  static String id(String value, String field) {
    return id(value, field, MAX_ID);
  }

  static @Nullable String optionalId(@Nullable String value, String field) {
    return value == null ? null : id(value, field);
  }

  /** Free text up to {@code max} UTF-16 units, no control characters but tab and newline. */
  static String text(String value, String field, int max) {
    if (value.length() > max) {
      throw new IllegalArgumentException(field + " is longer than " + max + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 && c != '\t' && c != '\n') {
        throw new IllegalArgumentException(field + " contains a control character");
      }
    }
    return value;
  }

  static @Nullable String optionalText(@Nullable String value, String field, int max) {
    return value == null ? null : text(value, field, max);
  }

  /** Standard-alphabet base64 with padding, at most {@code maxChars} characters. */
  static String base64(String value, String field, int maxChars) {
    if (value.length() > maxChars) {
      throw new IllegalArgumentException(field + " is longer than " + maxChars + " characters");
    }
    if (value.length() % 4 != 0) {
      throw new IllegalArgumentException(field + " is not standard padded base64");
    }
    try {
      Base64.getDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + " is not standard padded base64", e);
    }
    return value;
  }

  /** A topic name: 1-64 of {@code A-Z a-z 0-9 . _ -}, not starting with a dot or dash. */
  static String topic(String value, String field) {
    if (value.isEmpty() || value.length() > 64) {
      throw new IllegalArgumentException(field + " must be 1-64 characters");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || (i > 0 && (c == '.' || c == '_' || c == '-')) || (i == 0 && c == '_');
      if (!ok) {
        throw new IllegalArgumentException(field + " may hold only letters, digits, '.', '_' and '-'");
      }
    }
    return value;
  }

  /** One of the priorities {@code now}, {@code next}, {@code low}. */
  static String priority(String value, String field) {
    if (!value.equals("now") && !value.equals("next") && !value.equals("low")) {
      throw new IllegalArgumentException(field + " must be now, next or low");
    }
    return value;
  }

  static long nonNegative(long value, String field) {
    if (value < 0) {
      throw new IllegalArgumentException(field + " must not be negative");
    }
    return value;
  }

  static <T> List<T> list(@Nullable List<T> value, String field, int max) {
    if (value == null) {
      return List.of();
    }
    if (value.size() > max) {
      throw new IllegalArgumentException(field + " has more than " + max + " entries");
    }
    return List.copyOf(value);
  }

  static List<String> idList(@Nullable List<String> value, String field, int max) {
    List<String> copy = list(value, field, max);
    for (String s : copy) {
      id(s, field + "[]");
    }
    return copy;
  }

  /** A {@code meta} object: at most {@link Frames#MAX_META_CHARS} characters of canonical JSON. */
  static @Nullable Map<String, @Nullable Object> meta(@Nullable Map<String, @Nullable Object> value) {
    if (value != null
        && dev.claudemesh.core.jcs.Jcs.canonicalizeValue(value).length() > Frames.MAX_META_CHARS) {
      throw new IllegalArgumentException("meta is longer than " + Frames.MAX_META_CHARS + " characters of JSON");
    }
    return optionalObject(value);
  }

  static @Nullable Map<String, @Nullable Object> optionalObject(
      @Nullable Map<String, @Nullable Object> value) {
    return value == null ? null : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(value));
  }
}
