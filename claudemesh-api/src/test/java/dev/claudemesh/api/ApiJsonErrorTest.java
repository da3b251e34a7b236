package dev.claudemesh.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bodies that do not fit: the exact message, naming the member and never its value. */
class ApiJsonErrorTest {
  static Stream<Arguments> badSends() {
    return Stream.of(
        Arguments.of("empty body", "", "$: empty body"),
        Arguments.of("whitespace only", "  \n", "$: empty body"),
        Arguments.of("truncated", "{\"to\":\"a\"", "$: truncated JSON"),
        Arguments.of("not JSON", "to=a&message=b", "$: malformed JSON"),
        Arguments.of("trailing garbage", "{\"to\":\"a\",\"message\":\"b\"} x",
            "$: unexpected content after the JSON value"),
        Arguments.of("two values", "{\"to\":\"a\",\"message\":\"b\"}{}",
            "$: unexpected content after the JSON value"),
        Arguments.of("array body", "[\"SECRET\"]", "$: expected an object, got an array"),
        Arguments.of("string body", "\"SECRET\"", "$: expected an object, got a string"),
        Arguments.of("null body", "null", "$: must not be null"),
        Arguments.of("missing to", "{\"message\":\"SECRET\"}", "$.to: required member is missing"),
        Arguments.of("missing message", "{\"to\":\"a\"}", "$.message: required member is missing"),
        Arguments.of("null to", "{\"to\":null,\"message\":\"b\"}", "$.to: must not be null"),
        Arguments.of("number as to", "{\"to\":12345,\"message\":\"b\"}",
            "$.to: expected a string, got a number"),
        Arguments.of("object as message", "{\"to\":\"a\",\"message\":{\"SECRET\":1}}",
            "$.message: expected a string, got an object"),
        Arguments.of("boolean as priority", "{\"to\":\"a\",\"message\":\"b\",\"priority\":true}",
            "$.priority: expected a string, got a boolean"),
        Arguments.of("array as meta", "{\"to\":\"a\",\"message\":\"b\",\"meta\":[1]}",
            "$.meta: expected an object, got an array"),
        Arguments.of("unknown member", "{\"to\":\"a\",\"message\":\"b\",\"clientMessageId\":\"x\"}",
            "$.clientMessageId: unknown member"),
        Arguments.of("unknown member, long name",
            "{\"to\":\"a\",\"message\":\"b\",\"" + "k".repeat(100) + "\":1}",
            "$.<member name of 100 chars>: unknown member"),
        Arguments.of("unknown member, unprintable name",
            "{\"to\":\"a\",\"message\":\"b\",\"a\\nb\":1}",
            "$.<member name with unprintable characters>: unknown member"),
        Arguments.of("duplicate member", "{\"to\":\"a\",\"to\":\"b\",\"message\":\"c\"}",
            "$.to: duplicate member"),
        Arguments.of("single quotes", "{'to':'a','message':'b'}", "$: malformed JSON"),
        Arguments.of("bad literal inside meta", "{\"to\":\"a\",\"message\":\"b\",\"meta\":{\"k\":tru}}",
            "$.meta.k: malformed JSON"),
        Arguments.of("huge number in meta", "{\"to\":\"a\",\"message\":\"b\",\"meta\":{\"n\":1e400}}",
            "$.meta.n: number out of range"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSends")
  void badSendBodiesFailWithExactMessages(String name, String json, String message) {
    ApiJsonException e = assertThrows(ApiJsonException.class,
        () -> ApiJson.fromJson(json, SendRequest.class));
    assertEquals(message, e.getMessage());
    assertFalse(e.getMessage().contains("SECRET"));
    assertEquals(400, e.problem().status());
    assertEquals(ErrorCodes.INVALID_REQUEST, e.problem().error());
    assertEquals(message, e.problem().detail());
  }

  static Stream<Arguments> badOthers() {
    return Stream.of(
        Arguments.of("fraction as pid", HeartbeatRequest.class, "{\"pid\":1.5}",
            "$.pid: expected an integer, got a number with a fraction or exponent"),
        Arguments.of("pid beyond long", HeartbeatRequest.class, "{\"pid\":99999999999999999999}",
            "$.pid: expected an integer, got a number with a fraction or exponent"),
        Arguments.of("string as auto", RequeueRequest.class, "{\"id\":\"o\",\"auto\":\"yes\"}",
            "$.auto: expected a boolean, got a string"),
        Arguments.of("mention not a string", TopicPostRequest.class,
            "{\"topic\":\"t\",\"message\":\"m\",\"mentions\":[\"a\",7]}",
            "$.mentions[1]: expected a string, got a number"),
        Arguments.of("null mention", TopicPostRequest.class,
            "{\"topic\":\"t\",\"message\":\"m\",\"mentions\":[null]}",
            "$.mentions[0]: must not be null"),
        Arguments.of("int out of range in a response", Health.class,
            "{\"connected\":true,\"lag_ms\":1,\"queue_depth\":1,\"inflight\":1,\"dead\":0,"
                + "\"mesh\":\"m\",\"member_pubkey\":\"p\",\"uptime_s\":1,"
                + "\"schema_version\":3000000000,\"daemon_version\":\"v\",\"degraded\":false}",
            "$.schema_version: integer out of range"),
        Arguments.of("missing primitive in a response", Heartbeat.class, "{\"ok\":true}",
            "$.ts: required member is missing"),
        Arguments.of("nested record member", TopicList.class,
            "{\"topics\":[{\"name\":\"a\",\"subscribed\":true},{\"name\":\"b\"}]}",
            "$.topics[1].subscribed: required member is missing"),
        Arguments.of("event without ts", ServerEvent.class,
            "{\"id\":1,\"event\":\"message\",\"data\":{\"message\":\"SECRET\"}}",
            "$: event data must hold a numeric ts"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badOthers")
  void otherBadBodiesFailWithExactMessages(String name, Class<?> type, String json,
      String message) {
    ApiJsonException e = assertThrows(ApiJsonException.class, () -> ApiJson.fromJson(json, type));
    assertEquals(message, e.getMessage());
  }

  @Test
  void responsesIgnoreUnknownMembersRequestsDoNot() {
    String json = "{\"client_message_id\":\"c\",\"status\":\"queued\",\"added_later\":{\"x\":1}}";
    assertEquals(SendResponse.queued("c"), ApiJson.fromJson(json, SendResponse.class));
    ApiJsonException e = assertThrows(ApiJsonException.class,
        () -> ApiJson.fromJson("{\"topic\":\"t\",\"added_later\":1}", TopicRequest.class));
    assertEquals("$.added_later: unknown member", e.getMessage());
  }

  @Test
  void hugeIdIsReadThenRefusedByTheRules() {
    String id = "x".repeat(100_000);
    SendRequest r = ApiJson.fromJson(
        "{\"to\":\"a\",\"message\":\"b\",\"client_message_id\":\"" + id + "\"}", SendRequest.class);
    assertEquals("client_message_id must be 1 to 128 characters, got 100000",
        RequestRules.check(r).orElseThrow().detail());
  }

  @Test
  void deepNestingIsMalformedNotAStackOverflow() {
    String json = "{\"to\":\"a\",\"message\":\"b\",\"meta\":" + "[".repeat(10_000)
        + "]".repeat(10_000) + "}";
    ApiJsonException e = assertThrows(ApiJsonException.class,
        () -> ApiJson.fromJson(json, SendRequest.class));
    assertEquals("$: malformed JSON", e.getMessage());
  }

  @Test
  void utf8IsDecodedStrictly() {
    assertEquals("h\u00e9", ApiJson.decodeUtf8("h\u00e9".getBytes(StandardCharsets.UTF_8)));
    ApiJsonException e = assertThrows(ApiJsonException.class,
        () -> ApiJson.decodeUtf8(new byte[] {'{', (byte) 0xC3, '}'}));
    assertEquals("$: body is not valid UTF-8", e.getMessage());
  }
}
