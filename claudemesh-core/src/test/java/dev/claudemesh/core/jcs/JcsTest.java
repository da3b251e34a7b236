package dev.claudemesh.core.jcs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JcsTest {

  static Stream<Arguments> canonicalForms() {
    return Stream.of(
        Arguments.of("top-level string", " \"a\\u0062c\" ", "\"abc\""),
        Arguments.of("top-level number", "4.50", "4.5"),
        Arguments.of("top-level literals", "[true ,false,null]", "[true,false,null]"),
        Arguments.of("minus zero", "-0", "0"),
        Arguments.of("minus zero with exponent", "-0.0e10", "0"),
        Arguments.of("beyond 2^53", "9007199254740993", "9007199254740992"),
        Arguments.of("exponent form", "1E30", "1e+30"),
        Arguments.of("underflow to zero", "1e-400", "0"),
        Arguments.of("keys sorted by UTF-16 units", "{\"b\":1,\"a\":2,\"\\ud83d\\ude00\":3,\"\\ufb33\":4}",
            "{\"a\":2,\"b\":1,\"\uD83D\uDE00\":3,\"\uFB33\":4}"),
        Arguments.of("mandatory escapes only", "\"\\u0008\\t\\n\\u000c\\r\\u001f\\\"\\\\\\/\"",
            "\"\\b\\t\\n\\f\\r\\u001f\\\"\\\\/\""),
        Arguments.of("U+2028, U+007F and </script> stay raw", "\"\\u2028\\u007f</script>\"",
            "\"\u2028\u007f</script>\""),
        Arguments.of("other controls as lowercase \\u00xx", "\"\\u001A\\u0000\"", "\"\\u001a\\u0000\""),
        Arguments.of("empty containers", "{ \"a\" : [ ] , \"b\" : { } }", "{\"a\":[],\"b\":{}}"),
        Arguments.of("nested sort", "[{\"z\":{\"y\":1,\"x\":2}}]", "[{\"z\":{\"x\":2,\"y\":1}}]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("canonicalForms")
  void canonicalizes(String name, String input, String expected) {
    assertEquals(expected, Jcs.canonicalize(input));
    assertArrayEquals(expected.getBytes(UTF_8), Jcs.canonicalize(input.getBytes(UTF_8)));
  }

  static Stream<Arguments> rejections() {
    return Stream.of(
        Arguments.of("", "empty document at offset 0 (line 1, column 1)"),
        Arguments.of("  \n ", "document has no value at offset 4 (line 2, column 2)"),
        Arguments.of("{\"a\":1,\"a\":2}", "duplicate property name \"a\" at offset 7 (line 1, column 8)"),
        Arguments.of("{\"a\":1,\"\\u0061\":2}",
            "duplicate property name \"a\" at offset 7 (line 1, column 8)"),
        Arguments.of("\"\\ud800\"",
            "lone surrogate escape \\uD800 (no low surrogate follows) at offset 1 (line 1, column 2)"),
        Arguments.of("{\"\\udc00\":1}",
            "lone surrogate escape \\uDC00 (no high surrogate before) at offset 2 (line 1, column 3)"),
        Arguments.of("\"\\ude00\\ud83d\"",
            "lone surrogate escape \\uDE00 (no high surrogate before) at offset 1 (line 1, column 2)"),
        Arguments.of("\"a\uD800b\"", "lone surrogate U+D800 in a string at offset 2 (line 1, column 3)"),
        Arguments.of("NaN", "unexpected 'N' where a JSON value must start at offset 0 (line 1, column 1)"),
        Arguments.of("[Infinity]",
            "unexpected 'I' where a JSON value must start at offset 1 (line 1, column 2)"),
        Arguments.of("1e400", "number 1e400 is out of range for a double at offset 0 (line 1, column 1)"),
        Arguments.of("[-1e400]", "number -1e400 is out of range for a double at offset 1 (line 1, column 2)"),
        Arguments.of("01", "leading zero in a number at offset 0 (line 1, column 1)"),
        Arguments.of("1.", "expected a digit after the decimal point at offset 2 (line 1, column 3)"),
        Arguments.of(".5", "unexpected '.' where a JSON value must start at offset 0 (line 1, column 1)"),
        Arguments.of("+1", "unexpected '+' where a JSON value must start at offset 0 (line 1, column 1)"),
        Arguments.of("0x10", "invalid number: unexpected 'x' at offset 1 (line 1, column 2)"),
        Arguments.of("-", "expected a digit after '-' at offset 1 (line 1, column 2)"),
        Arguments.of("1e+", "expected a digit in the exponent at offset 3 (line 1, column 4)"),
        Arguments.of("\"a\tb\"",
            "raw control character U+0009 in a string must be escaped at offset 2 (line 1, column 3)"),
        Arguments.of("\"\\x\"", "invalid escape \\x at offset 1 (line 1, column 2)"),
        Arguments.of("\"\\u12\"", "\\u escape needs four hex digits at offset 1 (line 1, column 2)"),
        Arguments.of("[1,]", "trailing comma before ']' at offset 3 (line 1, column 4)"),
        Arguments.of("{\"a\":1,}", "trailing comma before '}' at offset 7 (line 1, column 8)"),
        Arguments.of("{} x", "unexpected 'x' after the JSON value at offset 3 (line 1, column 4)"),
        Arguments.of("[1]\n[2]", "unexpected '[' after the JSON value at offset 4 (line 2, column 1)"),
        Arguments.of("\"abc", "unterminated string (opened at offset 0) at offset 0 (line 1, column 1)"),
        Arguments.of("[1", "unterminated array (opened at offset 0) at offset 2 (line 1, column 3)"),
        Arguments.of("{\"a\" 1}", "expected ':' after a property name, found '1' at offset 5 (line 1, column 6)"),
        Arguments.of("tru", "invalid literal (expected true) at offset 0 (line 1, column 1)"),
        Arguments.of("nullx", "invalid literal (expected null) at offset 0 (line 1, column 1)"),
        Arguments.of("\uFEFF{}", "unexpected U+FEFF where a JSON value must start at offset 0 (line 1, column 1)"),
        Arguments.of("{'a':1}",
            "expected a property name string, found ''' at offset 1 (line 1, column 2)"));
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("rejections")
  void rejectsWithProblemAndOffset(String input, String message) {
    JcsException e = assertThrows(JcsException.class, () -> Jcs.canonicalize(input));
    assertEquals(message, e.getMessage());
    assertTrue(e.offset() >= 0);
  }

  @Test
  void rejectsInvalidUtf8WithByteOffset() {
    byte[] overlong = {'[', '"', (byte) 0xC0, (byte) 0xAF, '"', ']'};
    assertEquals("invalid UTF-8 (0xC0) at byte offset 2",
        assertThrows(JcsException.class, () -> Jcs.canonicalize(overlong)).getMessage());
    byte[] surrogate = {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'};
    assertEquals(1, assertThrows(JcsException.class, () -> Jcs.canonicalize(surrogate)).offset());
    byte[] truncated = {'"', (byte) 0xE2, (byte) 0x82, '"'};
    assertThrows(JcsException.class, () -> Jcs.canonicalize(truncated));
    byte[] stray = {(byte) 0x80};
    assertThrows(JcsException.class, () -> Jcs.canonicalize(stray));
  }

  @Test
  void numbersParseExactlyAsTheCorrectlyRoundedConversion() {
    java.util.SplittableRandom random = new java.util.SplittableRandom(2026);
    for (int i = 0; i < 200_000; i++) {
      StringBuilder number = new StringBuilder();
      if (random.nextBoolean()) {
        number.append('-');
      }
      String all = Long.toString(random.nextLong(1, Long.MAX_VALUE));
      String digits = all.substring(0, random.nextInt(1, all.length() + 1));
      int point = random.nextInt(0, digits.length() + 1);
      number.append(point == 0 ? "0" : digits.substring(0, point));
      if (point < digits.length()) {
        number.append('.').append(digits.substring(point));
      }
      if (random.nextBoolean()) {
        number.append(random.nextBoolean() ? 'e' : 'E').append(random.nextInt(-40, 40));
      }
      String text = number.toString();
      assertEquals(Double.parseDouble(text), (Double) Jcs.parse(text), text);
    }
  }

  @Test
  void keepsALegitimateReplacementCharacter() {
    assertEquals("\"\uFFFD\"", new String(Jcs.canonicalize("\"\uFFFD\"".getBytes(UTF_8)), UTF_8));
  }

  @Test
  void rejectsNestingBeyondTheLimitButAcceptsItBelow() {
    String ok = "[".repeat(JcsParser.MAX_DEPTH) + "]".repeat(JcsParser.MAX_DEPTH);
    assertEquals(ok, Jcs.canonicalize(ok));
    String deep = "[".repeat(JcsParser.MAX_DEPTH + 1) + "]".repeat(JcsParser.MAX_DEPTH + 1);
    assertEquals("nesting deeper than 1000 levels",
        assertThrows(JcsException.class, () -> Jcs.canonicalize(deep)).problem());
    String unclosed = "[".repeat(100_000);
    assertThrows(JcsException.class, () -> Jcs.canonicalize(unclosed));
  }

  @Test
  void parseReturnsAnImmutableSortedTree() {
    Object tree = Jcs.parse("{\"b\":[1,\"x\",null],\"a\":{\"c\":true}}");
    Map<?, ?> map = (Map<?, ?>) tree;
    assertEquals(List.of("a", "b"), new ArrayList<>(map.keySet()));
    assertEquals(Map.of("c", true), map.get("a"));
    List<?> list = (List<?>) map.get("b");
    assertEquals(1.0, list.get(0));
    assertNull(list.get(2));
    assertThrows(UnsupportedOperationException.class, () -> map.remove("a"));
    assertThrows(UnsupportedOperationException.class, () -> map.clear());
    assertNull(Jcs.parse("null"));
  }

  @Test
  void canonicalizesAnInMemoryTreeAsItsTextWouldBe() {
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("z", List.of(1, 2L, 3.5f, new BigDecimal("4.50"), BigInteger.TEN.pow(30)));
    inner.put("a", null);
    Map<String, Object> meta = new HashMap<>();
    meta.put("\u20ac", "euro");
    meta.put("inner", inner);
    meta.put("1", Boolean.FALSE);
    meta.put("big", 9007199254740993L);
    assertEquals(
        "{\"1\":false,\"big\":9007199254740992,\"inner\":{\"a\":null,\"z\":[1,2,3.5,4.5,1e+30]},\"\u20ac\":\"euro\"}",
        Jcs.canonicalizeValue(meta));
    String text = "{\"b\":[1,2.5e-7],\"a\":\"\\n\"}";
    assertEquals(Jcs.canonicalize(text), Jcs.canonicalizeValue(Jcs.parse(text)));
  }

  @Test
  void treeErrorsNameTheirPath() {
    Map<String, Object> meta = new TreeMap<>();
    meta.put("tags", List.of("ok", Map.of("n", Double.NaN)));
    assertEquals("NaN is not a JSON number at $.\"tags\"[1].\"n\"",
        assertThrows(JcsException.class, () -> Jcs.canonicalizeValue(meta)).getMessage());
    assertEquals("lone surrogate U+DC00 at index 1 of a string at $[0]",
        assertThrows(JcsException.class, () -> Jcs.canonicalizeValue(List.of("a\uDC00"))).getMessage());
    Map<Object, Object> badKey = new HashMap<>();
    badKey.put(1, "x");
    assertEquals("object key is java.lang.Integer, not a String at $",
        assertThrows(JcsException.class, () -> Jcs.canonicalizeValue(badKey)).getMessage());
    assertEquals("unsupported value type java.lang.Object at $.\"k\"",
        assertThrows(JcsException.class, () -> Jcs.canonicalizeValue(Map.of("k", new Object()))).getMessage());
    List<Object> cycle = new ArrayList<>();
    cycle.add(cycle);
    assertTrue(assertThrows(JcsException.class, () -> Jcs.canonicalizeValue(cycle))
        .problem().startsWith("nesting deeper than 1000 levels"));
  }
}
