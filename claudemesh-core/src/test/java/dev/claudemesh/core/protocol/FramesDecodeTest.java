package dev.claudemesh.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.core.CapturedLogs;
import dev.claudemesh.core.jcs.JcsException;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Text that is not a frame at all: bad JSON, not an object, no or unknown type, too long. */
class FramesDecodeTest {
  private static final Logger LOG = LoggerFactory.getLogger(FramesDecodeTest.class);

  static Stream<Arguments> notFrames() {
    String deep = "[".repeat(2000) + "]".repeat(2000);
    return Stream.of(
        Arguments.of("array", "[]", "a frame must be a JSON object"),
        Arguments.of("string", "\"hello\"", "a frame must be a JSON object"),
        Arguments.of("number", "42", "a frame must be a JSON object"),
        Arguments.of("null", "null", "a frame must be a JSON object"),
        Arguments.of("empty text", "", "not valid JSON: empty document"),
        Arguments.of("unterminated object", "{\"type\":\"ok\"", "not valid JSON: unterminated object (opened at offset 0)"),
        Arguments.of("trailing comma", "{\"type\":\"ok\",}", "not valid JSON: trailing comma before '}'"),
        Arguments.of("single quotes", "{'type':'ok'}", "not valid JSON: expected a property name string, found '''"),
        Arguments.of("two documents", "{\"type\":\"ok\"}{}", "not valid JSON: unexpected '{' after the JSON value"),
        Arguments.of("duplicate member", "{\"_reqId\":\"a\",\"_reqId\":\"b\",\"type\":\"ok\"}",
            "not valid JSON: duplicate property name"),
        Arguments.of("duplicate type", "{\"type\":\"ok\",\"type\":\"error\",\"_reqId\":\"a\"}",
            "not valid JSON: duplicate property name"),
        Arguments.of("duplicate name inside meta is not quoted back",
            "{\"type\":\"send\",\"meta\":{\"secret-key-name\":1,\"secret-key-name\":2}}",
            "not valid JSON: duplicate property name"),
        Arguments.of("out-of-range number is not quoted back", "{\"type\":\"ok\",\"_reqId\":\"a\",\"n\":123456789e400}",
            "not valid JSON: number out of range for a double"),
        Arguments.of("lone high surrogate escape", "{\"type\":\"ok\",\"_reqId\":\"\\ud800\"}",
            "not valid JSON: lone surrogate escape \\uD800 (no low surrogate follows)"),
        Arguments.of("lone low surrogate escape", "{\"type\":\"ok\",\"_reqId\":\"\\udc00x\"}",
            "not valid JSON: lone surrogate escape \\uDC00 (no high surrogate before)"),
        Arguments.of("raw lone surrogate", "{\"type\":\"ok\",\"_reqId\":\"\uD800\"}",
            "not valid JSON: lone surrogate U+D800 in a string"),
        Arguments.of("nesting 2000 deep", "{\"type\":\"ok\",\"_reqId\":\"a\",\"x\":" + deep + "}",
            "not valid JSON: nesting deeper than 1000 levels"),
        Arguments.of("no type", "{\"_reqId\":\"a\"}", "type must be a string"),
        Arguments.of("type null", "{\"type\":null}", "type must be a string"),
        Arguments.of("type a number", "{\"type\":7}", "type must be a string"),
        Arguments.of("unknown type", "{\"type\":\"bogus\"}", "bogus: unknown frame type"),
        Arguments.of("type in the wrong case", "{\"type\":\"Hello\"}", "Hello: unknown frame type"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("notFrames")
  void isRejected(String name, String text, String message) {
    InvalidFrameException e = assertThrows(InvalidFrameException.class, () -> Frames.decode(text));
    assertEquals(message, e.getMessage());
    assertFalse(e.getMessage().contains("secret-key-name"));
    assertFalse(e.getMessage().contains("123456789"));
  }

  @Test
  void aJsonProblemKeepsTheParserErrorAsCause() {
    InvalidFrameException e = assertThrows(InvalidFrameException.class, () -> Frames.decode("{"));
    assertInstanceOf(JcsException.class, e.getCause());
    assertEquals("", e.frameType());
  }

  @Test
  void aFrameLongerThanTheLimitIsRefusedBeforeParsing() throws InvalidFrameException {
    String prefix = "{\"type\":\"ok\",\"_reqId\":\"a\",\"pad\":\"";
    String fits = prefix + "x".repeat(Frames.MAX_FRAME_CHARS - prefix.length() - 2) + "\"}";
    assertEquals(Frames.MAX_FRAME_CHARS, fits.length());
    assertEquals(new Ok("a"), Frames.decode(fits));
    String tooLong = prefix + "x".repeat(Frames.MAX_FRAME_CHARS - prefix.length() - 1) + "\"}";
    InvalidFrameException e = assertThrows(InvalidFrameException.class, () -> Frames.decode(tooLong));
    assertEquals("frame longer than 2097152 characters", e.getMessage());
    assertEquals("", e.frameType());
    assertThrows(InvalidFrameException.class, () -> Frames.decode("{" + " ".repeat(Frames.MAX_FRAME_CHARS) + "}"));
  }

  @Test
  void anUnknownTenKilobyteTypeNameIsBoundedAndPrintable() {
    String name = "evil\r\nINFO forged log line\u001b[31m\u2028" + "x".repeat(10_000) + "\uD83D\uDE00";
    String text = "{\"type\":" + dev.claudemesh.core.jcs.Jcs.canonicalizeValue(name) + "}";
    InvalidFrameException e = assertThrows(InvalidFrameException.class, () -> Frames.decode(text));
    String type = e.frameType();
    assertEquals(InvalidFrameException.MAX_TYPE_CHARS + 3, type.length());
    assertTrue(type.startsWith("evil??INFO forged log line?[31m?xxx"), type);
    assertTrue(type.endsWith("..."));
    assertTrue(type.chars().allMatch(c -> c >= 0x20 && c <= 0x7e), type);
    assertEquals(type + ": unknown frame type", e.getMessage());
  }

  @Test
  void aShortUnknownTypeNameWithControlCharactersIsCleaned() {
    InvalidFrameException e = assertThrows(InvalidFrameException.class,
        () -> Frames.decode("{\"type\":\"a\\nb\\u0000c\\u00e9\"}"));
    assertEquals("a?b?c?", e.frameType());
    assertEquals("a?b?c?: unknown frame type", e.getMessage());
  }

  @Test
  void aFeatureNameIsCheckedBeforeItAppearsInAMessage() {
    InvalidFrameException e = assertThrows(InvalidFrameException.class, () -> Frames.decode(
        "{\"type\":\"feature_negotiation_response\",\"supported\":{\"" + "f".repeat(300) + "\":1}}"));
    assertEquals("feature_negotiation_response: supported feature name must be 1-256 characters", e.getMessage());
  }

  @Test
  void toStringOfSendAndPushShowsNoBodyNonceOrMeta() throws InvalidFrameException {
    String ciphertext = CapturedLogs.rememberSecret(ProtocolSamples.b64("top secret body, do not log"));
    String nonce = CapturedLogs.rememberSecret(ProtocolSamples.b64("nonce-nonce-nonce-nonce!"));
    String metaValue = CapturedLogs.rememberSecret("meta-value-that-must-stay-private");
    SendFrame send = new SendFrame("cm-9", ProtocolSamples.PK_B, "now", nonce, ciphertext, null,
        java.util.List.of(), Map.of("note", metaValue), "cm-9", ProtocolSamples.FINGERPRINT, "1", "dm",
        ProtocolSamples.PK_B);
    Push push = new Push("msg-9", "mesh-1", ProtocolSamples.PK_A, ProtocolSamples.PK_A, "member-1", "Alice",
        "general", null, "now", nonce, ciphertext, 1, Map.of("note", metaValue), "cm-9", "d-9", null, null,
        Map.of("note", metaValue));
    for (Object frame : new Object[] {send, push, Frames.decode(Frames.encode(send)), Frames.decode(Frames.encode(push))}) {
      String shown = frame.toString();
      assertFalse(shown.contains(ciphertext), shown);
      assertFalse(shown.contains(nonce), shown);
      assertFalse(shown.contains(metaValue), shown);
      assertTrue(shown.contains("chars>"), shown);
      LOG.info("frame {}", frame);
    }
    Push system = ProtocolSamples.pushSystem();
    assertEquals("Push{messageId=msg-03, delivery_id=d-03, from=broker, event=peer_joined}", system.toString());
  }

  @Test
  void aRejectedFrameMessageNeverCarriesItsBody() {
    String body = CapturedLogs.rememberSecret("c2VjcmV0IGJvZHkgd2l0aCBhIGJhZCB0YWls!");
    InvalidFrameException e = assertThrows(InvalidFrameException.class,
        () -> Frames.decode(ProtocolSamples.edited(ProtocolSamples.sendDmFull(), "ciphertext", body)));
    assertEquals("send: ciphertext is not standard padded base64", e.getMessage());
    LOG.warn("rejected frame", e);
  }
}
