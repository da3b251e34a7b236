package dev.claudemesh.daemon.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.api.ApiJson;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class HookPayloadTest {
  static final String SECRET = "hunter2-do-not-leak";
  static final int MIB = 1024 * 1024;

  static Map<String, @Nullable Object> event() {
    Map<String, @Nullable Object> meta = new LinkedHashMap<>();
    meta.put("secret", SECRET);
    meta.put("note", "plain " + SECRET);
    meta.put("token", SECRET);
    Map<String, @Nullable Object> event = new LinkedHashMap<>();
    event.put("type", "dm");
    event.put("id", 1733250000000L);
    event.put("from", "ab".repeat(32));
    event.put("body", "hello");
    event.put("meta", meta);
    event.put("items", List.of(Map.of("token", SECRET), Map.of("deeper", Map.of("token", SECRET)), "token"));
    event.put("ok", true);
    event.put("none", null);
    return event;
  }

  static String text(byte[] json) {
    return ApiJson.decodeUtf8(json); // strict: malformed UTF-8 throws
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> parse(byte[] json) {
    return ApiJson.fromJson(text(json), Map.class);
  }

  // ---- plain encoding ----

  @Test
  void aSendersDeeplyNestedMetaIsCutNotRefused() {
    Object nested = "bottom";
    for (int i = 0; i < 300; i++) {
      nested = List.of(nested);
    }
    Map<String, @Nullable Object> event = new LinkedHashMap<>();
    event.put("hook", "on-dm");
    event.put("meta", Map.of("deep", nested));
    HookPayload.Encoded encoded = HookPayload.encodeEvent(event, List.of("$.meta.secret"));
    String text = new String(encoded.bytes(), StandardCharsets.UTF_8);
    assertTrue(encoded.truncated());
    assertTrue(text.contains("\"" + HookPayload.TOO_DEEP + "\""), text.substring(0, 80));
    assertFalse(text.contains("bottom"));
    ApiJson.fromJson(text, Map.class); // still one valid JSON object

    Map<String, @Nullable Object> small = new LinkedHashMap<>();
    small.put("meta", Map.of("_truncated", true));
    assertFalse(HookPayload.encodeEvent(small, List.of()).truncated(),
        "a sender's own _truncated member is not the daemon's mark");
  }

  @Test
  void aSmallEventIsWrittenAsIs() {
    byte[] json = HookPayload.encode(event(), List.of());
    assertEquals("{\"type\":\"dm\",\"id\":1733250000000,\"from\":\"" + "ab".repeat(32) + "\",\"body\":\"hello\","
        + "\"meta\":{\"secret\":\"" + SECRET + "\",\"note\":\"plain " + SECRET + "\",\"token\":\"" + SECRET + "\"},"
        + "\"items\":[{\"token\":\"" + SECRET + "\"},{\"deeper\":{\"token\":\"" + SECRET + "\"}},\"token\"],"
        + "\"ok\":true,\"none\":null}", text(json));
    assertFalse(parse(json).containsKey(HookPayload.TRUNCATED));
  }

  @Test
  void integersStayIntegers() {
    Map<String, @Nullable Object> event = new LinkedHashMap<>();
    event.put("ts", 1733250000000L);
    event.put("max", Long.MAX_VALUE);
    event.put("min", Long.MIN_VALUE);
    event.put("int", 42);
    event.put("short", (short) 7);
    event.put("big", new BigInteger("123456789012345678901234567890"));
    event.put("decimal", new BigDecimal("12.50"));
    event.put("double", 1.5);
    event.put("nan", Double.NaN);
    event.put("inf", Float.POSITIVE_INFINITY);
    String json = text(HookPayload.encode(event, List.of()));
    assertEquals("{\"ts\":1733250000000,\"max\":9223372036854775807,\"min\":-9223372036854775808,\"int\":42,"
        + "\"short\":7,\"big\":123456789012345678901234567890,\"decimal\":12.50,\"double\":1.5,\"nan\":null,"
        + "\"inf\":null}", json);
    assertEquals(1733250000000L, parse(json.getBytes(StandardCharsets.UTF_8)).get("ts"));
  }

  @Test
  void otherValueKinds() {
    Map<String, @Nullable Object> event = new LinkedHashMap<>();
    event.put("array", new Object[] {1, "a", null});
    event.put("enum", AuditLevel.OUTPUT);
    event.put("chars", new StringBuilder("sb"));
    event.put("char", 'c');
    Map<Object, Object> numericKeys = new LinkedHashMap<>();
    numericKeys.put(1, "one");
    event.put("keys", numericKeys);
    assertEquals("{\"array\":[1,\"a\",null],\"enum\":\"OUTPUT\",\"chars\":\"sb\",\"char\":\"c\","
        + "\"keys\":{\"1\":\"one\"}}", text(HookPayload.encode(event, List.of())));

    Map<String, @Nullable Object> bad = new LinkedHashMap<>();
    bad.put("when", java.time.Instant.EPOCH);
    assertThrows(IllegalArgumentException.class, () -> HookPayload.encode(bad, List.of()));
  }

  // ---- redaction ----

  @Test
  void aNestedPath() {
    byte[] json = HookPayload.encode(event(), List.of("$.meta.secret"));
    Map<?, ?> meta = (Map<?, ?>) parse(json).get("meta");
    assertEquals(HookPayload.REDACTED, meta.get("secret"));
    assertEquals("plain " + SECRET, meta.get("note"), "only the named member");
  }

  @Test
  void wildcardAndDeepScanLeaveNoSecret() {
    byte[] json = HookPayload.encode(event(), List.of("$.meta.*", "$..token"));
    String text = text(json);
    assertFalse(text.contains(SECRET), text);
    assertFalse(text.contains("hunter2"), text);
    Map<String, Object> parsed = parse(json);
    assertEquals(Map.of("secret", "[redacted]", "note", "[redacted]", "token", "[redacted]"), parsed.get("meta"));
    assertEquals(List.of(Map.of("token", "[redacted]"), Map.of("deeper", Map.of("token", "[redacted]")), "token"),
        parsed.get("items"), "list elements are searched; a string element named like the member stays");
    assertEquals("hello", parsed.get("body"));
  }

  @Test
  void aFilterPath() {
    Map<String, @Nullable Object> event = new LinkedHashMap<>();
    event.put("fields", List.of(Map.of("name", "password", "value", SECRET), Map.of("name", "user", "value", "bob")));
    String text = text(HookPayload.encode(event, List.of("$.fields[?(@.name == 'password')].value")));
    assertFalse(text.contains(SECRET), text);
    assertTrue(text.contains("\"bob\""), text);
  }

  @Test
  void aWholeSubtreeIsRedacted() {
    String text = text(HookPayload.encode(event(), List.of("$.meta", "$.items")));
    assertFalse(text.contains(SECRET), text);
    assertTrue(text.contains("\"meta\":\"[redacted]\",\"items\":\"[redacted]\""), text);
  }

  @Test
  void aPathThatMatchesNothingChangesNothing() {
    byte[] plain = HookPayload.encode(event(), List.of());
    byte[] json = HookPayload.encode(event(), List.of("$.nope", "$.meta.nope", "$.a.b.c", "$.items[7]",
        "$..absent", "$.body.inner", "$['odd key']"));
    assertEquals(text(plain), text(json));
  }

  @Test
  void theCallersMapIsNotChanged() {
    Map<String, @Nullable Object> event = event();
    Map<String, @Nullable Object> before = event();
    HookPayload.encode(event, List.of("$.meta.*", "$..token", "$.body"));
    assertEquals(before, event);
    // immutable input works too: it is copied, never written
    Map<String, Object> immutable = Map.of("meta", Map.of("secret", SECRET), "list", List.of(Map.of("token", "t")));
    String text = text(HookPayload.encode(immutable, List.of("$.meta.secret", "$..token")));
    assertFalse(text.contains(SECRET), text);
  }

  @Test
  void wholeEventPathsAndFunctionsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> HookPayload.encode(event(), List.of("$")));
    assertThrows(IllegalArgumentException.class, () -> HookPayload.encode(event(), List.of("$.items.length()")));
    assertThrows(IllegalArgumentException.class, () -> HookPayload.encode(event(), List.of("$.a[0")));
  }

  // ---- size ----

  @Test
  void aOneMibBodyIsCutToFit() {
    Map<String, @Nullable Object> event = event();
    String body = "x".repeat(MIB);
    event.put("body", body);
    byte[] json = HookPayload.encode(event, List.of());
    assertTrue(json.length <= HookPayload.MAX_BYTES, "" + json.length);
    assertTrue(json.length > HookPayload.MAX_BYTES - 1024, "cut no more than needed: " + json.length);
    Map<String, Object> parsed = parse(json);
    assertEquals(true, parsed.get(HookPayload.TRUNCATED));
    assertEquals(List.of("$.body"), parsed.get(HookPayload.TRUNCATED_FIELDS));
    String cut = (String) parsed.get("body");
    assertTrue(body.startsWith(cut) && cut.length() > 200_000, "" + cut.length());
    assertEquals(1733250000000L, parsed.get("id"));
    assertEquals(SECRET, ((Map<?, ?>) parsed.get("meta")).get("secret"), "short strings are not cut");
    assertEquals(MIB, ((String) event.get("body")).length(), "the caller's event keeps its body");
  }

  @Test
  void redactionComesBeforeTruncation() {
    Map<String, @Nullable Object> event = event();
    event.put("body", SECRET + " " + "y".repeat(MIB));
    event.put("other", "z".repeat(MIB));
    String text = text(HookPayload.encode(event, List.of("$.body", "$..token", "$.meta.*")));
    assertTrue(text.length() <= HookPayload.MAX_BYTES);
    assertFalse(text.contains("hunter2"), "no part of a redacted value survives");
    Map<String, Object> parsed = parse(text.getBytes(StandardCharsets.UTF_8));
    assertEquals("[redacted]", parsed.get("body"));
    assertEquals(List.of("$.other"), parsed.get(HookPayload.TRUNCATED_FIELDS));
  }

  @Test
  void theLongestStringsAreCutFirst() {
    Map<String, @Nullable Object> event = new LinkedHashMap<>();
    event.put("a", "a".repeat(200_000));
    event.put("b", "b".repeat(150_000));
    event.put("c", "c".repeat(50_000));
    event.put("odd key", "d".repeat(10_000));
    Map<String, Object> parsed = parse(HookPayload.encode(event, List.of()));
    int a = ((String) parsed.get("a")).length();
    int b = ((String) parsed.get("b")).length();
    assertEquals(50_000, ((String) parsed.get("c")).length(), "short enough to stay whole");
    assertEquals(10_000, ((String) parsed.get("odd key")).length());
    assertEquals(a, b, "both cut to the same level");
    assertEquals(List.of("$.a", "$.b"), parsed.get(HookPayload.TRUNCATED_FIELDS));
  }

  @Test
  void multibyteTextIsCutAtCodePoints() {
    for (String unit : List.of("😀", "é", "€", "a😀", "\"", "\n", "\u0001", "\u2028")) {
      Map<String, @Nullable Object> event = new LinkedHashMap<>();
      String body = unit.repeat(MIB / unit.length() / 2 + 7);
      event.put("body", body);
      event.put("tail", "kept");
      byte[] json = HookPayload.encode(event, List.of());
      assertTrue(json.length <= HookPayload.MAX_BYTES, unit + ": " + json.length);
      Map<String, Object> parsed = parse(json); // strict UTF-8 and valid JSON
      String cut = (String) parsed.get("body");
      assertTrue(body.startsWith(cut), unit);
      assertFalse(cut.isEmpty(), unit);
      assertFalse(Character.isHighSurrogate(cut.charAt(cut.length() - 1)), unit + ": a surrogate pair was split");
      assertEquals("kept", parsed.get("tail"));
      assertEquals(true, parsed.get(HookPayload.TRUNCATED));
    }
  }

  @Test
  void manyStringsInALongList() {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      lines.add(i + ":" + "L".repeat(100));
    }
    Map<String, @Nullable Object> event = new LinkedHashMap<>();
    event.put("lines", lines);
    byte[] json = HookPayload.encode(event, List.of());
    assertTrue(json.length <= HookPayload.MAX_BYTES, "" + json.length);
    Map<String, Object> parsed = parse(json);
    List<?> cut = (List<?>) parsed.get("lines");
    assertEquals(5000, cut.size(), "elements are cut, not dropped");
    assertTrue(((String) cut.get(4999)).startsWith("4999:"));
    assertEquals("$.lines[0]", ((List<?>) parsed.get(HookPayload.TRUNCATED_FIELDS)).get(0));
  }

  @Test
  void fallbackToTopLevelScalars() {
    Map<String, @Nullable Object> event = new LinkedHashMap<>();
    event.put("type", "topic");
    event.put("id", 1733250000000L);
    Long[] numbers = new Long[200_000];
    Arrays.fill(numbers, 1234567L);
    event.put("numbers", Arrays.asList(numbers));
    event.put("meta", Map.of("k", "v"));
    event.put("long", "s".repeat(2000));
    event.put("short", "s".repeat(1000));
    event.put("ok", false);
    event.put("none", null);
    byte[] json = HookPayload.encode(event, List.of());
    assertEquals("{\"type\":\"topic\",\"id\":1733250000000,\"short\":\"" + "s".repeat(1000) + "\",\"ok\":false,"
        + "\"none\":null,\"_truncated\":true}", text(json));
  }

  @Test
  void fallbackKeepsAsManyScalarsAsFit() {
    Map<String, @Nullable Object> event = new LinkedHashMap<>();
    for (int i = 0; i < 60_000; i++) {
      event.put("member" + i, i);
    }
    byte[] json = HookPayload.encode(event, List.of());
    assertTrue(json.length <= HookPayload.MAX_BYTES, "" + json.length);
    Map<String, Object> parsed = parse(json);
    assertEquals(true, parsed.get(HookPayload.TRUNCATED));
    assertEquals(0L, parsed.get("member0"));
    assertTrue(parsed.size() > 10_000, "" + parsed.size());
  }

  @Test
  void redactedValuesStayRedactedInTheFallback() {
    Map<String, @Nullable Object> event = new LinkedHashMap<>();
    event.put("password", SECRET);
    Long[] numbers = new Long[100_000];
    Arrays.fill(numbers, 99L);
    event.put("numbers", Arrays.asList(numbers));
    String text = text(HookPayload.encode(event, List.of("$.password")));
    assertEquals("{\"password\":\"[redacted]\",\"_truncated\":true}", text);
  }

  @Test
  void cutHelpers() {
    assertEquals("ab", HookPayload.cut("abc", 2));
    assertEquals("", HookPayload.cut("😀", 3));
    assertEquals("😀", HookPayload.cut("😀x", 4));
    assertEquals("a", HookPayload.cut("a\"", 2));
    assertEquals(6, HookPayload.encodedLength("\u0001"));
    assertEquals(4, HookPayload.encodedLength("😀"));
  }
}
