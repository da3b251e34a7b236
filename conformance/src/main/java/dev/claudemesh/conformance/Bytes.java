package dev.claudemesh.conformance;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Describes byte strings in failure messages: where two differ, and a short escaped preview. */
final class Bytes {
  private static final int PREVIEW = 60;

  private Bytes() {}

  /** Null when equal; otherwise the first differing offset with context from both sides. */
  static @Nullable String describeDifference(byte[] expected, byte[] actual) {
    int length = Math.min(expected.length, actual.length);
    int at = 0;
    while (at < length && expected[at] == actual[at]) {
      at++;
    }
    if (at == length && expected.length == actual.length) {
      return null;
    }
    int from = Math.max(0, at - 10);
    return "differs at byte " + at + " (expected " + expected.length + " bytes, got " + actual.length
        + "): expected ..." + preview(slice(expected, from)) + " got ..." + preview(slice(actual, from));
  }

  /** The first bytes as UTF-8 text with controls and non-ASCII escaped, quoted. */
  static String preview(byte[] bytes) {
    String text = new String(bytes, 0, Math.min(bytes.length, PREVIEW), StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder("\"");
    text.codePoints().forEach(cp -> {
      if (cp >= 0x20 && cp < 0x7F) {
        out.appendCodePoint(cp);
      } else {
        out.append(String.format(Locale.ROOT, "\\u{%X}", cp));
      }
    });
    return out.append(bytes.length > PREVIEW ? "\"..." : "\"").toString();
  }

  private static byte[] slice(byte[] bytes, int from) {
    byte[] out = new byte[bytes.length - from];
    System.arraycopy(bytes, from, out, 0, out.length);
    return out;
  }
}
