package dev.claudemesh.core.jcs;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A strict RFC 8259 + I-JSON (RFC 7493) parser producing the value tree the canonical writer
 * consumes: {@link CanonicalObject}, unmodifiable {@link List}, {@link String}, {@link Double},
 * {@link Boolean} and {@code null}.
 *
 * <p>Rejected, with the offset of the offending character: duplicate property names, lone
 * surrogates (raw or escaped), numbers that overflow a double, any deviation from the JSON number
 * grammar, raw control characters in strings, unknown escapes, trailing commas, anything after the
 * value, and nesting deeper than {@value #MAX_DEPTH} (a guard against stack exhaustion).
 */
final class JcsParser {
  static final int MAX_DEPTH = 1000;

  private final String text;
  private final int end;
  private int pos;

  private JcsParser(String text) {
    this.text = text;
    this.end = text.length();
  }

  static @Nullable Object parse(String text) {
    JcsParser parser = new JcsParser(text);
    parser.skipWhitespace();
    if (parser.pos == parser.end) {
      throw parser.fail(text.isEmpty() ? "empty document" : "document has no value", parser.pos);
    }
    Object value = parser.value(0);
    parser.skipWhitespace();
    if (parser.pos != parser.end) {
      throw parser.fail(
          "unexpected " + describe(text.charAt(parser.pos)) + " after the JSON value", parser.pos);
    }
    return value;
  }

  /** Decodes strict UTF-8: overlong forms, surrogates, truncated and stray bytes are rejected. */
  static String decodeUtf8(byte[] bytes) {
    String fast = new String(bytes, StandardCharsets.UTF_8);
    if (fast.indexOf('\uFFFD') < 0) {
      return fast; // every malformed sequence would have become U+FFFD
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length + 1);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      int at = in.position();
      StringBuilder hex = new StringBuilder();
      for (int i = at; i < Math.min(bytes.length, at + Math.max(1, result.length())); i++) {
        hex.append(hex.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "0x%02X", bytes[i] & 0xFF));
      }
      throw JcsException.atByte("invalid UTF-8 (" + hex + ")", at);
    }
    return fast;
  }

  private @Nullable Object value(int depth) {
    char c = text.charAt(pos);
    switch (c) {
      case '{':
        return object(depth + 1);
      case '[':
        return array(depth + 1);
      case '"':
        return string();
      case 't':
        return literal("true", Boolean.TRUE);
      case 'f':
        return literal("false", Boolean.FALSE);
      case 'n':
        return literal("null", null);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw fail("unexpected " + describe(c) + " where a JSON value must start", pos);
    }
  }

  private CanonicalObject object(int depth) {
    checkDepth(depth);
    int open = pos++;
    skipWhitespace();
    if (pos < end && text.charAt(pos) == '}') {
      pos++;
      return new CanonicalObject(new String[0], new Object[0]);
    }
    List<Member> members = new ArrayList<>();
    while (true) {
      if (pos >= end) {
        throw fail("unterminated object (opened at offset " + open + ")", pos);
      }
      if (text.charAt(pos) != '"') {
        throw fail(
            text.charAt(pos) == '}'
                ? "trailing comma before '}'"
                : "expected a property name string, found " + describe(text.charAt(pos)),
            pos);
      }
      int keyOffset = pos;
      String key = string();
      skipWhitespace();
      expect(':', "expected ':' after a property name");
      skipWhitespace();
      requireMore("expected a value after ':'");
      members.add(new Member(key, value(depth), keyOffset));
      skipWhitespace();
      if (pos >= end) {
        throw fail("unterminated object (opened at offset " + open + ")", pos);
      }
      char c = text.charAt(pos++);
      if (c == '}') {
        break;
      }
      if (c != ',') {
        throw fail("expected ',' or '}' in object, found " + describe(c), pos - 1);
      }
      skipWhitespace();
    }
    return sortedObject(members);
  }

  private CanonicalObject sortedObject(List<Member> members) {
    Member[] sorted = members.toArray(new Member[0]);
    for (int i = 1; i < sorted.length; i++) {
      if (sorted[i - 1].key.compareTo(sorted[i].key) >= 0) { // not already in canonical order
        Arrays.sort(sorted, (a, b) -> a.key.compareTo(b.key)); // UTF-16 code units, per RFC 8785
        break;
      }
    }
    String[] keys = new String[sorted.length];
    Object[] values = new Object[sorted.length];
    for (int i = 0; i < sorted.length; i++) {
      Member member = sorted[i];
      if (i > 0 && member.key.equals(keys[i - 1])) {
        int later = Math.max(member.offset, sorted[i - 1].offset);
        throw fail("duplicate property name \"" + abbreviate(member.key) + "\"", later);
      }
      keys[i] = member.key;
      values[i] = member.value;
    }
    return new CanonicalObject(keys, values);
  }

  private List<@Nullable Object> array(int depth) {
    checkDepth(depth);
    int open = pos++;
    skipWhitespace();
    List<@Nullable Object> items = new ArrayList<>();
    if (pos < end && text.charAt(pos) == ']') {
      pos++;
      return Collections.unmodifiableList(items);
    }
    while (true) {
      if (pos >= end) {
        throw fail("unterminated array (opened at offset " + open + ")", pos);
      }
      if (text.charAt(pos) == ']') {
        throw fail("trailing comma before ']'", pos);
      }
      items.add(value(depth));
      skipWhitespace();
      if (pos >= end) {
        throw fail("unterminated array (opened at offset " + open + ")", pos);
      }
      char c = text.charAt(pos++);
      if (c == ']') {
        return Collections.unmodifiableList(items);
      }
      if (c != ',') {
        throw fail("expected ',' or ']' in array, found " + describe(c), pos - 1);
      }
      skipWhitespace();
    }
  }

  private String string() {
    int open = pos++;
    int runStart = pos;
    StringBuilder decoded = null;
    while (true) {
      if (pos >= end) {
        throw fail("unterminated string (opened at offset " + open + ")", open);
      }
      char c = text.charAt(pos);
      if (c == '"') {
        String result =
            decoded == null
                ? text.substring(runStart, pos)
                : decoded.append(text, runStart, pos).toString();
        pos++;
        return result;
      }
      if (c == '\\') {
        if (decoded == null) {
          decoded = new StringBuilder(pos - runStart + 16);
        }
        decoded.append(text, runStart, pos);
        escape(decoded);
        runStart = pos;
      } else if (c < 0x20) {
        throw fail("raw control character " + describe(c) + " in a string must be escaped", pos);
      } else if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && pos + 1 < end
            && Character.isLowSurrogate(text.charAt(pos + 1))) {
          pos += 2;
        } else {
          throw fail("lone surrogate " + describe(c) + " in a string", pos);
        }
      } else {
        pos++;
      }
    }
  }

  /** Decodes one escape starting at the backslash at {@code pos}, advancing past it. */
  private void escape(StringBuilder out) {
    int start = pos++;
    if (pos >= end) {
      throw fail("unterminated escape", start);
    }
    char c = text.charAt(pos++);
    switch (c) {
      case '"':
      case '\\':
      case '/':
        out.append(c);
        return;
      case 'b':
        out.append('\b');
        return;
      case 'f':
        out.append('\f');
        return;
      case 'n':
        out.append('\n');
        return;
      case 'r':
        out.append('\r');
        return;
      case 't':
        out.append('\t');
        return;
      case 'u':
        char unit = hex4(start);
        if (Character.isHighSurrogate(unit)) {
          if (pos + 1 < end && text.charAt(pos) == '\\' && text.charAt(pos + 1) == 'u') {
            int lowStart = pos;
            pos += 2;
            char low = hex4(lowStart);
            if (Character.isLowSurrogate(low)) {
              out.append(unit).append(low);
              return;
            }
          }
          throw fail("lone surrogate escape \\u" + hexOf(unit) + " (no low surrogate follows)", start);
        }
        if (Character.isLowSurrogate(unit)) {
          throw fail("lone surrogate escape \\u" + hexOf(unit) + " (no high surrogate before)", start);
        }
        out.append(unit);
        return;
      default:
        throw fail("invalid escape \\" + (c < 0x20 || c > 0x7E ? describe(c) : String.valueOf(c)), start);
    }
  }

  private char hex4(int escapeStart) {
    if (pos + 4 > end) {
      throw fail("\\u escape needs four hex digits", escapeStart);
    }
    int value = 0;
    for (int i = 0; i < 4; i++) {
      int digit = hexDigit(text.charAt(pos + i));
      if (digit < 0) {
        throw fail("\\u escape needs four hex digits", escapeStart);
      }
      value = (value << 4) | digit;
    }
    pos += 4;
    return (char) value;
  }

  private Double number() {
    int start = pos;
    boolean negative = false;
    if (text.charAt(pos) == '-') {
      negative = true;
      pos++;
    }
    if (pos < end && text.charAt(pos) == '0') {
      pos++;
      if (pos < end && isDigit(text.charAt(pos))) {
        throw fail("leading zero in a number", start);
      }
    } else if (pos < end && isDigit(text.charAt(pos))) {
      while (pos < end && isDigit(text.charAt(pos))) {
        pos++;
      }
    } else {
      throw fail("expected a digit after '-'", pos);
    }
    if (pos < end && text.charAt(pos) == '.') {
      pos++;
      if (pos >= end || !isDigit(text.charAt(pos))) {
        throw fail("expected a digit after the decimal point", pos);
      }
      while (pos < end && isDigit(text.charAt(pos))) {
        pos++;
      }
    }
    if (pos < end && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
      pos++;
      if (pos < end && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
        pos++;
      }
      if (pos >= end || !isDigit(text.charAt(pos))) {
        throw fail("expected a digit in the exponent", pos);
      }
      while (pos < end && isDigit(text.charAt(pos))) {
        pos++;
      }
    }
    if (pos < end) {
      char next = text.charAt(pos);
      if (Character.isLetterOrDigit(next) || next == '.' || next == '+' || next == '-') {
        throw fail("invalid number: unexpected " + describe(next), pos);
      }
    }
    double fast = fastPath(start, negative);
    if (!Double.isNaN(fast)) {
      return fast;
    }
    double value = Double.parseDouble(text.substring(start, pos)); // correctly rounded
    if (Double.isInfinite(value)) {
      throw fail(
          "number " + abbreviate(text.substring(start, pos)) + " is out of range for a double", start);
    }
    return value;
  }

  private static final double[] EXACT_POW10 = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22
  };

  /**
   * Converts the number just scanned (text from {@code start} to {@code pos}, grammar already
   * checked) without the general algorithm when its digits fit in 53 bits and its power of ten is
   * at most 22: both operands are then exact doubles, so one IEEE multiplication or division is
   * correctly rounded (Clinger's fast path). Returns NaN when that does not apply.
   */
  private double fastPath(int start, boolean negative) {
    long mantissa = 0;
    int significant = 0;
    int exponent = 0;
    int i = negative ? start + 1 : start;
    boolean fraction = false;
    for (; i < pos; i++) {
      char c = text.charAt(i);
      if (c == '.') {
        fraction = true;
        continue;
      }
      if (c == 'e' || c == 'E') {
        break;
      }
      if (mantissa != 0 || c != '0') {
        if (++significant > 18) {
          return Double.NaN;
        }
      }
      mantissa = mantissa * 10 + (c - '0');
      if (fraction) {
        exponent--;
      }
    }
    if (i < pos) { // exponent part
      i++;
      boolean negativeExponent = text.charAt(i) == '-';
      if (text.charAt(i) == '+' || negativeExponent) {
        i++;
      }
      if (pos - i > 4) {
        return Double.NaN;
      }
      int e = 0;
      for (; i < pos; i++) {
        e = e * 10 + (text.charAt(i) - '0');
      }
      exponent += negativeExponent ? -e : e;
    }
    double value;
    if (mantissa == 0) {
      value = 0.0;
    } else if (mantissa > (1L << 53) || exponent < -22 || exponent > 22) {
      return Double.NaN;
    } else {
      value = exponent < 0 ? mantissa / EXACT_POW10[-exponent] : mantissa * EXACT_POW10[exponent];
    }
    return negative ? -value : value;
  }

  private @Nullable Object literal(String word, @Nullable Boolean value) {
    if (!text.startsWith(word, pos)) {
      throw fail("invalid literal (expected " + word + ")", pos);
    }
    pos += word.length();
    if (pos < end && Character.isLetterOrDigit(text.charAt(pos))) {
      throw fail("invalid literal (expected " + word + ")", pos - word.length());
    }
    return value;
  }

  private void skipWhitespace() {
    while (pos < end) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return;
      }
      pos++;
    }
  }

  private void expect(char c, String problem) {
    if (pos >= end || text.charAt(pos) != c) {
      throw fail(problem + (pos < end ? ", found " + describe(text.charAt(pos)) : ""), pos);
    }
    pos++;
  }

  private void requireMore(String problem) {
    if (pos >= end) {
      throw fail(problem, pos);
    }
  }

  private void checkDepth(int depth) {
    if (depth > MAX_DEPTH) {
      throw fail("nesting deeper than " + MAX_DEPTH + " levels", pos);
    }
  }

  private JcsException fail(String problem, int at) {
    return JcsException.atChar(problem, text, at);
  }

  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  static String describe(char c) {
    if (c >= 0x21 && c <= 0x7E) {
      return "'" + c + "'";
    }
    return "U+" + hexOf(c);
  }

  private static String hexOf(char c) {
    return String.format(Locale.ROOT, "%04X", (int) c);
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }

  private static final class Member {
    final String key;
    final @Nullable Object value;
    final int offset;

    Member(String key, @Nullable Object value, int offset) {
      this.key = key;
      this.value = value;
      this.offset = offset;
    }
  }
}
