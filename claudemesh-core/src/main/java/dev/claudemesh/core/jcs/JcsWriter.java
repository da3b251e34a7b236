package dev.claudemesh.core.jcs;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Writes a value tree in RFC 8785 canonical form: members sorted by the UTF-16 code units of their
 * names, strings with only the mandatory escapes, numbers in ECMAScript form, no whitespace.
 *
 * <p>Accepts {@link Map} with {@link String} keys, {@link List}, {@link CharSequence}, {@link
 * Number}, {@link Boolean} and {@code null}: the types Moshi and this package's parser produce.
 */
final class JcsWriter {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final StringBuilder out;

  JcsWriter(StringBuilder out) {
    this.out = out;
  }

  /** Writes {@code value}; on failure throws a {@link JcsException} naming the path. */
  void writeRoot(@Nullable Object value) {
    try {
      write(value, 0);
    } catch (PathError e) {
      StringBuilder path = new StringBuilder("$");
      for (String segment : e.segments) {
        path.append(segment);
      }
      throw JcsException.atPath(e.problem, path.toString());
    }
  }

  private void write(@Nullable Object value, int depth) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof CharSequence) {
      writeString(value.toString());
    } else if (value instanceof Double) {
      writeNumber((Double) value);
    } else if (value instanceof Boolean) {
      out.append(((Boolean) value).booleanValue() ? "true" : "false");
    } else if (value instanceof CanonicalObject) {
      writeSorted((CanonicalObject) value, depth + 1);
    } else if (value instanceof Map) {
      writeMap((Map<?, ?>) value, depth + 1);
    } else if (value instanceof List) {
      writeList((List<?>) value, depth + 1);
    } else if (value instanceof Number) {
      writeNumber(((Number) value).doubleValue()); // long and BigInteger round to nearest, as JS
    } else {
      throw new PathError("unsupported value type " + value.getClass().getName());
    }
  }

  private void writeNumber(double number) {
    try {
      EcmaNumber.appendTo(out, number);
    } catch (JcsException e) {
      throw new PathError(e.problem());
    }
  }

  private void writeSorted(CanonicalObject object, int depth) {
    checkDepth(depth);
    out.append('{');
    for (int i = 0; i < object.keys.length; i++) {
      if (i > 0) {
        out.append(',');
      }
      writeMember(object.keys[i], object.values[i], depth);
    }
    out.append('}');
  }

  private void writeMap(Map<?, ?> map, int depth) {
    checkDepth(depth);
    String[] keys = new String[map.size()];
    @Nullable Object[] values = new Object[keys.length];
    int n = 0;
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      if (!(entry.getKey() instanceof String)) {
        throw new PathError(
            "object key is "
                + (entry.getKey() == null ? "null" : entry.getKey().getClass().getName())
                + ", not a String");
      }
      if (n == keys.length) {
        throw new PathError("map changed size while being canonicalized");
      }
      keys[n] = (String) entry.getKey();
      values[n++] = entry.getValue();
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> keys[a].compareTo(keys[b]));
    out.append('{');
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        out.append(',');
      }
      writeMember(keys[order[i]], values[order[i]], depth);
    }
    out.append('}');
  }

  private void writeMember(String key, @Nullable Object value, int depth) {
    try {
      writeString(key);
      out.append(':');
      write(value, depth);
    } catch (PathError e) {
      throw e.under(".\"" + key + "\"");
    }
  }

  private void writeList(List<?> list, int depth) {
    checkDepth(depth);
    out.append('[');
    int index = 0;
    for (Object item : list) {
      if (index > 0) {
        out.append(',');
      }
      try {
        write(item, depth);
      } catch (PathError e) {
        throw e.under("[" + index + "]");
      }
      index++;
    }
    out.append(']');
  }

  private void writeString(String s) {
    out.append('"');
    int runStart = 0;
    int length = s.length();
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\') {
        if (Character.isSurrogate(c)) {
          if (Character.isHighSurrogate(c)
              && i + 1 < length
              && Character.isLowSurrogate(s.charAt(i + 1))) {
            i++;
            continue;
          }
          throw new PathError(
              "lone surrogate U+" + String.format(Locale.ROOT, "%04X", (int) c) + " at index " + i + " of a string");
        }
        continue;
      }
      out.append(s, runStart, i);
      runStart = i + 1;
      switch (c) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\b':
          out.append("\\b");
          break;
        case '\f':
          out.append("\\f");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        default:
          out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
      }
    }
    out.append(s, runStart, length).append('"');
  }

  private static void checkDepth(int depth) {
    if (depth > JcsParser.MAX_DEPTH) {
      throw new PathError("nesting deeper than " + JcsParser.MAX_DEPTH + " levels (or a cycle)");
    }
  }

  /** Carries a failure up the tree, collecting the path; cheap because it has no stack trace. */
  private static final class PathError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String problem;
    final transient Deque<String> segments = new ArrayDeque<>();

    PathError(String problem) {
      super(problem, null, false, false);
      this.problem = problem;
    }

    PathError under(String segment) {
      segments.addFirst(segment);
      return this;
    }
  }
}
