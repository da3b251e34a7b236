package dev.claudemesh.core.protocol;

import static dev.claudemesh.core.protocol.ProtocolSamples.ABSENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.core.jcs.Jcs;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every frame type survives encode → decode unchanged, and its encoding is canonical and stable. */
class FramesRoundTripTest {

  static Stream<Arguments> frames() {
    return ProtocolSamples.all().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("frames")
  void encodeThenDecodeGivesAnEqualFrame(String name, Frame frame) throws InvalidFrameException {
    Frame decoded = Frames.decode(Frames.encode(frame));
    assertEquals(frame, decoded);
    assertEquals(frame.getClass(), decoded.getClass());
    assertEquals(Frames.encode(frame), Frames.encode(decoded));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("frames")
  void encodingIsCanonicalJsonWithTheTypeMember(String name, Frame frame) {
    String text = Frames.encode(frame);
    assertEquals(Jcs.canonicalize(text), text, "already canonical: sorted names, no whitespace");
    assertEquals(frame.type(), ((Map<?, ?>) Jcs.parse(text)).get("type"));
    assertFalse(text.contains("null"), "absent optional members are left out, not written as null");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("frames")
  void encodingIsStableAcrossCallsAndEqualFrames(String name, Frame frame) throws InvalidFrameException {
    String first = Frames.encode(frame);
    assertEquals(first, Frames.encode(frame));
    assertEquals(first, Frames.encode(Frames.decode(first)));
    assertEquals(frame.hashCode(), Frames.decode(first).hashCode());
  }

  @Test
  void encodingSortsMembersAndWritesNoWhitespace() {
    assertEquals("{\"_reqId\":\"r-3\",\"type\":\"ok\"}", Frames.encode(new Ok("r-3")));
    assertEquals("{\"code\":\"not_found\",\"message\":\"no such topic\",\"type\":\"error\"}",
        Frames.encode(new ErrorFrame("not_found", "no such topic", null)));
    assertEquals("{\"broker_message_id\":\"bm-01\",\"delivery_id\":\"d-01\",\"type\":\"client_ack\"}",
        Frames.encode(ProtocolSamples.clientAckMinimal()));
  }

  @Test
  void anOriginalClaudemeshSendEncodesWithoutIdempotencyMembers() {
    assertEquals("{\"ciphertext\":\"aGVsbG8sIHRvcGlj\",\"id\":\"req-7\",\"priority\":\"next\",\"targetSpec\":\"#general\","
        + "\"type\":\"send\"}", Frames.encode(ProtocolSamples.sendTopicMinimal()));
  }

  @Test
  void decodeFillsDocumentedDefaults() throws InvalidFrameException {
    SendFrame send = (SendFrame) Frames.decode(ProtocolSamples.edited(ProtocolSamples.sendTopicMinimal(), "priority", ABSENT));
    assertEquals("next", send.priority());
    Push push = (Push) Frames.decode(ProtocolSamples.edited(ProtocolSamples.pushDm(), "priority", ABSENT));
    assertEquals("next", push.priority());
    Ack ack = (Ack) Frames.decode("{\"type\":\"ack\",\"id\":\"a\",\"status\":201}");
    assertEquals(new Ack("a", 201, null, null, null, null, false, true, null, false, null, null, null), ack);
    assertTrue(ack.accepted());
    Ack rejected = (Ack) Frames.decode("{\"type\":\"ack\",\"id\":\"a\",\"status\":429,\"error\":{\"code\":\"rate_limited\"}}");
    assertEquals(new Ack.Error("rate_limited", "", false), rejected.error());
    assertFalse(rejected.accepted());
    ErrorFrame error = (ErrorFrame) Frames.decode("{\"type\":\"error\",\"code\":\"x\"}");
    assertEquals("", error.message());
    Hello hello = (Hello) Frames.decode(ProtocolSamples.edited(ProtocolSamples.helloMinimal(), "capabilities", ABSENT));
    assertEquals(List.of(), hello.capabilities());
    FeatureNegotiationResponse response = (FeatureNegotiationResponse) Frames.decode(
        "{\"type\":\"feature_negotiation_response\",\"supported\":{\"key_epoch\":{}}}");
    assertEquals(Map.of("key_epoch", Map.of()), response.supported());
    assertEquals(List.of(), response.missingRequired());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("frames")
  void unknownMembersAreIgnored(String name, Frame frame) throws InvalidFrameException {
    String text = ProtocolSamples.edited(frame, "zz_future_member", Map.of("nested", List.of(1.0, "x")));
    Frame decoded = Frames.decode(text);
    assertEquals(frame, decoded);
    assertFalse(Frames.encode(decoded).contains("zz_future_member"));
  }

  @Test
  void requestDropsParamsItsTypeDoesNotKnow() throws InvalidFrameException {
    Frame decoded = Frames.decode("{\"type\":\"topic_join\",\"_reqId\":\"r\",\"topic\":\"general\",\"status\":\"x\"}");
    Request request = assertInstanceOf(Request.class, decoded);
    assertEquals(Map.of("topic", "general"), request.params());
    assertEquals("general", request.topic());
  }

  @Test
  void targetKinds() {
    assertTrue(Target.isDirect(ProtocolSamples.PK_A));
    assertTrue(Target.isTopic("#general"));
    assertEquals("general", Target.topicName("#general"));
    assertTrue(Target.isBroadcast("*"));
    assertFalse(Target.isDirect("*"));
    assertEquals("#_x", Target.check("#_x"));
    assertEquals("a-b.c_d", Target.checkTopicName("a-b.c_d"));
  }
}
