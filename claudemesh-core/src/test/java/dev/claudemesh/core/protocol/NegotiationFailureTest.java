package dev.claudemesh.core.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.core.jcs.Jcs;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The 4010 close reason: at most 123 UTF-8 bytes of JSON that parses back to the same kind. */
class NegotiationFailureTest {
  private static final String DEDUPE = FeatureNegotiation.CLIENT_MESSAGE_ID_DEDUPE;

  static Stream<Arguments> reasons() {
    return Stream.of(
        Arguments.of("short detail", NegotiationFailure.FEATURE_UNAVAILABLE, DEDUPE, "broker does not support it"),
        Arguments.of("empty detail", NegotiationFailure.FEATURE_UNAVAILABLE, DEDUPE, ""),
        Arguments.of("long ASCII detail", NegotiationFailure.FEATURE_PARAM_INVALID, DEDUPE, "x".repeat(500)),
        Arguments.of("long é detail", NegotiationFailure.FEATURE_PARAM_INVALID, DEDUPE, "é".repeat(300)),
        Arguments.of("long emoji detail", NegotiationFailure.FEATURE_PARAM_BELOW_FLOOR, DEDUPE, "😀".repeat(200)),
        Arguments.of("long U+2028 detail", NegotiationFailure.FEATURE_PARAM_INVALID, DEDUPE, "\u2028".repeat(200)),
        Arguments.of("control characters that escape to 6 bytes", NegotiationFailure.FEATURE_PARAM_INVALID, DEDUPE,
            "\u0001".repeat(200)),
        Arguments.of("quotes and backslashes that escape to 2 bytes", NegotiationFailure.FEATURE_PARAM_INVALID,
            DEDUPE, "\"\\".repeat(200)),
        Arguments.of("mixed widths", NegotiationFailure.FEATURE_PARAM_INVALID, DEDUPE,
            "a\u0002é😀\u2028\"".repeat(60)),
        Arguments.of("a lone surrogate in the detail", NegotiationFailure.FEATURE_PARAM_INVALID, DEDUPE,
            "bad \uD83D value"),
        Arguments.of("long feature name and long detail", NegotiationFailure.FEATURE_UNAVAILABLE, "f".repeat(300),
            "d".repeat(300)),
        Arguments.of("long multi-byte feature name", NegotiationFailure.FEATURE_PARAM_BELOW_FLOOR, "ü".repeat(200),
            "detail"),
        Arguments.of("feature name of control characters", NegotiationFailure.FEATURE_PARAM_INVALID,
            "\u001f".repeat(100), ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("reasons")
  void closeReasonFitsAndParsesBack(String name, String kind, String feature, String detail) {
    NegotiationFailure failure = new NegotiationFailure(kind, feature, detail);
    String reason = failure.closeReason();
    assertTrue(reason.getBytes(UTF_8).length <= CloseCodes.MAX_REASON_BYTES,
        reason.getBytes(UTF_8).length + " bytes: " + reason);
    Map<?, ?> json = assertInstanceOf(Map.class, Jcs.parse(reason));
    assertEquals(Jcs.canonicalize(reason), reason);
    assertEquals(kind, json.get("kind"));
    NegotiationFailure parsed = NegotiationFailure.parseCloseReason(reason);
    assertEquals(kind, parsed.kind());
    String keptFeature = parsed.feature();
    String keptDetail = parsed.detail();
    if (!name.contains("lone surrogate")) {
      assertTrue(feature.startsWith(keptFeature), keptFeature);
      assertTrue(detail.startsWith(keptDetail), keptDetail);
    }
    if (keptFeature.length() < feature.length()) {
      assertEquals("", keptDetail, "the detail is shortened away before the feature");
    }
  }

  @Test
  void aReasonThatFitsIsKeptWhole() {
    NegotiationFailure failure = new NegotiationFailure(NegotiationFailure.FEATURE_PARAM_BELOW_FLOOR, DEDUPE,
        "dedupe_retention_days 2 < 3");
    assertEquals("{\"detail\":\"dedupe_retention_days 2 < 3\",\"feature\":\"client_message_id_dedupe\","
        + "\"kind\":\"feature_param_below_floor\"}", failure.closeReason());
    assertEquals(failure, NegotiationFailure.parseCloseReason(failure.closeReason()));
  }

  @Test
  void theLongestDetailThatFitsIsKept() {
    NegotiationFailure failure = new NegotiationFailure(NegotiationFailure.FEATURE_PARAM_INVALID, DEDUPE,
        "x".repeat(500));
    assertEquals(CloseCodes.MAX_REASON_BYTES, failure.closeReason().getBytes(UTF_8).length);
  }

  @Test
  void aLoneSurrogateBecomesAReplacementCharacter() {
    NegotiationFailure failure = new NegotiationFailure(NegotiationFailure.FEATURE_PARAM_INVALID, DEDUPE, "a\uDC00b");
    assertEquals("a\uFFFDb", NegotiationFailure.parseCloseReason(failure.closeReason()).detail());
  }

  static Stream<Arguments> unparseable() {
    return Stream.of(
        Arguments.of("not JSON", "going away"),
        Arguments.of("empty", ""),
        Arguments.of("an array", "[1]"),
        Arguments.of("no feature", "{\"kind\":\"feature_unavailable\"}"),
        Arguments.of("unknown kind", "{\"kind\":\"feature_gone\",\"feature\":\"x\",\"detail\":\"\"}"),
        Arguments.of("kind a number", "{\"kind\":1,\"feature\":\"x\"}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unparseable")
  void anUnexpectedReasonCountsAsUnavailable(String name, String reason) {
    assertEquals(new NegotiationFailure(NegotiationFailure.FEATURE_UNAVAILABLE, "", "unparseable close reason"),
        NegotiationFailure.parseCloseReason(reason));
  }

  @Test
  void aReasonWithoutDetailParsesWithAnEmptyDetail() {
    assertEquals(new NegotiationFailure(NegotiationFailure.FEATURE_PARAM_INVALID, "k", ""),
        NegotiationFailure.parseCloseReason("{\"kind\":\"feature_param_invalid\",\"feature\":\"k\"}"));
  }

  @Test
  void anUnknownKindIsMisuse() {
    assertThrows(IllegalArgumentException.class, () -> new NegotiationFailure("nope", "f", "d"));
  }
}
