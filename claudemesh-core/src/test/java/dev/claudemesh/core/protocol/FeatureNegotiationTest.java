package dev.claudemesh.core.protocol;

import static dev.claudemesh.core.protocol.FeatureNegotiation.CLIENT_MESSAGE_ID_DEDUPE;
import static dev.claudemesh.core.protocol.FeatureNegotiation.CONCURRENT_CONNECTION_POLICY;
import static dev.claudemesh.core.protocol.FeatureNegotiation.KEY_EPOCH;
import static dev.claudemesh.core.protocol.FeatureNegotiation.MAX_PAYLOAD;
import static dev.claudemesh.core.protocol.FeatureNegotiation.MEMBER_KEYPAIR_ROTATED_EVENT;
import static dev.claudemesh.core.protocol.NegotiationFailure.FEATURE_PARAM_BELOW_FLOOR;
import static dev.claudemesh.core.protocol.NegotiationFailure.FEATURE_PARAM_INVALID;
import static dev.claudemesh.core.protocol.NegotiationFailure.FEATURE_UNAVAILABLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The rules of SPEC §7.2, one named case each. */
class FeatureNegotiationTest {
  private static final Object ABSENT = new Object();

  /** The full response of {@link ProtocolSamples#negotiationResponseFull} with one param changed. */
  private static FeatureNegotiationResponse with(String feature, String param, @Nullable Object value) {
    Map<String, Map<String, @Nullable Object>> supported = new LinkedHashMap<>();
    ProtocolSamples.negotiationResponseFull().supported().forEach((k, v) -> supported.put(k, new LinkedHashMap<>(v)));
    if (param.isEmpty()) {
      supported.remove(feature);
    } else if (value == ABSENT) {
      supported.get(feature).remove(param);
    } else {
      supported.get(feature).put(param, value);
    }
    return new FeatureNegotiationResponse(supported, List.of());
  }

  private static final List<String> ALL = List.of(CLIENT_MESSAGE_ID_DEDUPE, CONCURRENT_CONNECTION_POLICY,
      MEMBER_KEYPAIR_ROTATED_EVENT, KEY_EPOCH, MAX_PAYLOAD);

  static Stream<Arguments> requiredFailures() {
    return Stream.of(
        Arguments.of("required feature not offered", with(CLIENT_MESSAGE_ID_DEDUPE, "", null), CLIENT_MESSAGE_ID_DEDUPE,
            FEATURE_UNAVAILABLE, "broker does not support it"),
        Arguments.of("required feature listed in missing_required", new FeatureNegotiationResponse(
                ProtocolSamples.negotiationResponseFull().supported(), List.of(CONCURRENT_CONNECTION_POLICY)),
            CONCURRENT_CONNECTION_POLICY, FEATURE_UNAVAILABLE, "broker does not support it"),
        Arguments.of("version 2", with(CLIENT_MESSAGE_ID_DEDUPE, "version", 2.0), CLIENT_MESSAGE_ID_DEDUPE,
            FEATURE_PARAM_INVALID, "params.version must be 1, got 2"),
        Arguments.of("version missing", with(KEY_EPOCH, "version", ABSENT), KEY_EPOCH, FEATURE_PARAM_INVALID,
            "params.version must be 1, got nothing"),
        Arguments.of("version as a string", with(MEMBER_KEYPAIR_ROTATED_EVENT, "version", "1"),
            MEMBER_KEYPAIR_ROTATED_EVENT, FEATURE_PARAM_INVALID, "params.version must be 1, got 1"),
        Arguments.of("mode unknown", with(CLIENT_MESSAGE_ID_DEDUPE, "mode", "forever"), CLIENT_MESSAGE_ID_DEDUPE,
            FEATURE_PARAM_INVALID, "unknown mode forever"),
        Arguments.of("mode missing", with(CLIENT_MESSAGE_ID_DEDUPE, "mode", ABSENT), CLIENT_MESSAGE_ID_DEDUPE,
            FEATURE_PARAM_INVALID, "unknown mode nothing"),
        Arguments.of("request_fingerprint false", with(CLIENT_MESSAGE_ID_DEDUPE, "request_fingerprint", false),
            CLIENT_MESSAGE_ID_DEDUPE, FEATURE_PARAM_INVALID, "request_fingerprint must be true"),
        Arguments.of("request_fingerprint missing", with(CLIENT_MESSAGE_ID_DEDUPE, "request_fingerprint", ABSENT),
            CLIENT_MESSAGE_ID_DEDUPE, FEATURE_PARAM_INVALID, "request_fingerprint must be true"),
        Arguments.of("request_fingerprint as a string", with(CLIENT_MESSAGE_ID_DEDUPE, "request_fingerprint", "true"),
            CLIENT_MESSAGE_ID_DEDUPE, FEATURE_PARAM_INVALID, "request_fingerprint must be true"),
        Arguments.of("retention days missing", with(CLIENT_MESSAGE_ID_DEDUPE, "dedupe_retention_days", ABSENT),
            CLIENT_MESSAGE_ID_DEDUPE, FEATURE_PARAM_INVALID, "dedupe_retention_days must be an integer, got nothing"),
        Arguments.of("retention days fractional", with(CLIENT_MESSAGE_ID_DEDUPE, "dedupe_retention_days", 3.5),
            CLIENT_MESSAGE_ID_DEDUPE, FEATURE_PARAM_INVALID, "dedupe_retention_days must be an integer, got 3.5"),
        Arguments.of("retention days 2", with(CLIENT_MESSAGE_ID_DEDUPE, "dedupe_retention_days", 2.0),
            CLIENT_MESSAGE_ID_DEDUPE, FEATURE_PARAM_BELOW_FLOOR, "dedupe_retention_days 2 < 3"),
        Arguments.of("max_concurrent_epochs 0", with(KEY_EPOCH, "max_concurrent_epochs", 0.0), KEY_EPOCH,
            FEATURE_PARAM_BELOW_FLOOR, "max_concurrent_epochs 0 < 1"),
        Arguments.of("max_concurrent_epochs missing", with(KEY_EPOCH, "max_concurrent_epochs", ABSENT), KEY_EPOCH,
            FEATURE_PARAM_INVALID, "max_concurrent_epochs must be an integer, got nothing"),
        Arguments.of("inline_bytes 1023", with(MAX_PAYLOAD, "inline_bytes", 1023.0), MAX_PAYLOAD,
            FEATURE_PARAM_BELOW_FLOOR, "inline_bytes 1023 < 1024"),
        Arguments.of("blob_bytes 0", with(MAX_PAYLOAD, "blob_bytes", 0.0), MAX_PAYLOAD, FEATURE_PARAM_BELOW_FLOOR,
            "blob_bytes 0 < 1024"),
        Arguments.of("blob_bytes missing", with(MAX_PAYLOAD, "blob_bytes", ABSENT), MAX_PAYLOAD,
            FEATURE_PARAM_INVALID, "blob_bytes must be an integer, got nothing"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("requiredFailures")
  void aRequiredFeatureThatFailsFailsTheNegotiation(String name, FeatureNegotiationResponse response, String feature,
      String kind, String detail) {
    List<String> warnings = new ArrayList<>();
    FeatureNegotiation.Outcome outcome = FeatureNegotiation.evaluate(response, ALL, List.of(), warnings::add);
    assertFalse(outcome.ok());
    assertNull(outcome.features());
    assertEquals(new NegotiationFailure(kind, feature, detail), outcome.failure());
    assertEquals(kind, NegotiationFailure.parseCloseReason(outcome.failure().closeReason()).kind());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("requiredFailures")
  void theSameFailureInAnOptionalFeatureDropsItWithAWarning(String name, FeatureNegotiationResponse response,
      String feature, String kind, String detail) {
    List<String> warnings = new ArrayList<>();
    FeatureNegotiation.Outcome outcome = FeatureNegotiation.evaluate(response, List.of(), ALL, warnings::add);
    assertTrue(outcome.ok());
    assertFalse(outcome.features().has(feature));
    assertEquals(kind.equals(NegotiationFailure.FEATURE_UNAVAILABLE) ? List.of()
        : List.of("optional feature " + feature + " dropped: " + kind + " " + detail), warnings,
        "a feature that is not offered is no warning; a broken offer is");
    for (String other : ALL) {
      assertEquals(!other.equals(feature), outcome.features().has(other), other);
    }
  }

  @Test
  void theFullResponseAgreesEverythingWithoutWarnings() {
    List<String> warnings = new ArrayList<>();
    FeatureNegotiation.Outcome outcome =
        FeatureNegotiation.evaluate(ProtocolSamples.negotiationResponseFull(), ALL, List.of(), warnings::add);
    assertTrue(outcome.ok());
    assertEquals(List.of(), warnings);
    NegotiatedFeatures features = outcome.features();
    assertEquals(ALL, List.copyOf(features.asMap().keySet()));
    assertEquals(Optional.of("retention_scoped"), features.dedupeMode());
    assertEquals(OptionalInt.of(30), features.dedupeRetentionDays());
    assertEquals(FeatureNegotiation.PREFER_OLDEST, features.connectionPolicy());
    assertEquals(65536, features.inlineBytes());
    assertEquals(7.0, features.asMap().get(CLIENT_MESSAGE_ID_DEDUPE).get("tombstone_history_pruned_window_days"));
    assertThrows(UnsupportedOperationException.class,
        () -> features.asMap().get(KEY_EPOCH).put("max_concurrent_epochs", 0.0));
  }

  @Test
  void permanentModeNeedsNoRetentionDays() {
    FeatureNegotiationResponse response = with(CLIENT_MESSAGE_ID_DEDUPE, "mode", "permanent");
    response.supported().get(CLIENT_MESSAGE_ID_DEDUPE); // unmodifiable: rebuild without the days
    Map<String, Map<String, @Nullable Object>> supported = new LinkedHashMap<>(response.supported());
    Map<String, @Nullable Object> dedupe = new LinkedHashMap<>(supported.get(CLIENT_MESSAGE_ID_DEDUPE));
    dedupe.remove("dedupe_retention_days");
    supported.put(CLIENT_MESSAGE_ID_DEDUPE, dedupe);
    List<String> warnings = new ArrayList<>();
    FeatureNegotiation.Outcome outcome = FeatureNegotiation.evaluate(
        new FeatureNegotiationResponse(supported, List.of()), FeatureNegotiation.DEFAULT_REQUIRE, List.of(), warnings::add);
    assertTrue(outcome.ok());
    assertEquals(List.of(), warnings);
    assertEquals(Optional.of("permanent"), outcome.features().dedupeMode());
    assertEquals(OptionalInt.empty(), outcome.features().dedupeRetentionDays());
  }

  static Stream<Arguments> defaultedParams() {
    return Stream.of(
        Arguments.of("default_policy unknown", with(CONCURRENT_CONNECTION_POLICY, "default_policy", "prefer_random"),
            CONCURRENT_CONNECTION_POLICY + ": invalid default_policy prefer_random, using prefer_newest"),
        Arguments.of("default_policy a number", with(CONCURRENT_CONNECTION_POLICY, "default_policy", 1.0),
            CONCURRENT_CONNECTION_POLICY + ": invalid default_policy 1, using prefer_newest"),
        Arguments.of("tombstone window negative",
            with(CLIENT_MESSAGE_ID_DEDUPE, "tombstone_history_pruned_window_days", -1.0),
            CLIENT_MESSAGE_ID_DEDUPE + ": invalid tombstone_history_pruned_window_days -1, using the default"),
        Arguments.of("tombstone window a string",
            with(CLIENT_MESSAGE_ID_DEDUPE, "tombstone_history_pruned_window_days", "7"),
            CLIENT_MESSAGE_ID_DEDUPE + ": invalid tombstone_history_pruned_window_days 7, using the default"),
        Arguments.of("tombstone window fractional",
            with(CLIENT_MESSAGE_ID_DEDUPE, "tombstone_history_pruned_window_days", 0.5),
            CLIENT_MESSAGE_ID_DEDUPE + ": invalid tombstone_history_pruned_window_days 0.5, using the default"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("defaultedParams")
  void anInvalidOptionalParamFallsBackToItsDefaultWithAWarning(String name, FeatureNegotiationResponse response,
      String warning) {
    List<String> warnings = new ArrayList<>();
    FeatureNegotiation.Outcome outcome = FeatureNegotiation.evaluate(response, ALL, List.of(), warnings::add);
    assertTrue(outcome.ok());
    assertEquals(List.of(warning), warnings);
    NegotiatedFeatures features = outcome.features();
    assertEquals(name.startsWith("default_policy") ? FeatureNegotiation.PREFER_NEWEST : FeatureNegotiation.PREFER_OLDEST,
        features.connectionPolicy());
    assertEquals(name.startsWith("tombstone"),
        !features.asMap().get(CLIENT_MESSAGE_ID_DEDUPE).containsKey("tombstone_history_pruned_window_days"));
  }

  @Test
  void noPolicyAdvertisedMeansPreferNewest() {
    FeatureNegotiation.Outcome outcome = FeatureNegotiation.evaluate(
        with(CONCURRENT_CONNECTION_POLICY, "default_policy", ABSENT), ALL, List.of(), w -> { });
    assertEquals(FeatureNegotiation.PREFER_NEWEST, outcome.features().connectionPolicy());
  }

  @Test
  void negotiatedFeaturesAccessorsWhenNothingWasAgreed() {
    NegotiatedFeatures none = NegotiatedFeatures.none();
    assertFalse(none.has(CLIENT_MESSAGE_ID_DEDUPE));
    assertEquals(Map.of(), none.asMap());
    assertEquals(Optional.empty(), none.dedupeMode());
    assertEquals(OptionalInt.empty(), none.dedupeRetentionDays());
    assertEquals(FeatureNegotiation.PREFER_NEWEST, none.connectionPolicy());
    assertEquals(NegotiatedFeatures.DEFAULT_INLINE_BYTES, none.inlineBytes());
  }

  @Test
  void hugeLimitsAreClampedInsteadOfWrapping() {
    FeatureNegotiationResponse big = with(MAX_PAYLOAD, "inline_bytes", 1e14);
    Map<String, Map<String, @Nullable Object>> supported = new LinkedHashMap<>(big.supported());
    Map<String, @Nullable Object> dedupe = new LinkedHashMap<>(supported.get(CLIENT_MESSAGE_ID_DEDUPE));
    dedupe.put("dedupe_retention_days", 4294967301.0); // 2^32 + 5: an int cast would give 5
    supported.put(CLIENT_MESSAGE_ID_DEDUPE, dedupe);
    NegotiatedFeatures features = FeatureNegotiation.evaluate(
        new FeatureNegotiationResponse(supported, List.of()), ALL, List.of(), w -> { }).features();
    assertNotNull(features);
    assertEquals(Frames.MAX_INLINE_BYTES, features.inlineBytes(), "no more than one frame carries");
    assertEquals(OptionalInt.of(Integer.MAX_VALUE), features.dedupeRetentionDays());
  }

  @Test
  void aFeatureBothRequiredAndOptionalCountsAsRequired() {
    FeatureNegotiation.Outcome outcome = FeatureNegotiation.evaluate(with(KEY_EPOCH, "", null),
        List.of(KEY_EPOCH), List.of(KEY_EPOCH), w -> { });
    assertFalse(outcome.ok());
    assertEquals(KEY_EPOCH, outcome.failure().feature());
  }

  @Test
  void anUnknownOptionalFeatureNeedsOnlyVersionOne() {
    Map<String, Map<String, @Nullable Object>> supported = Map.of("future_feature", Map.of("version", 1.0, "x", "y"));
    FeatureNegotiation.Outcome outcome = FeatureNegotiation.evaluate(
        new FeatureNegotiationResponse(supported, List.of()), List.of(), List.of("future_feature"), w -> { });
    assertTrue(outcome.features().has("future_feature"));
  }

  @Test
  void aLongValueIsCutAtACharacterBoundarySoTheCloseReasonStaysJson() {
    String mode = "m".repeat(31) + "\uD83D\uDE00" + "tail";
    NegotiationFailure failure = FeatureNegotiation.evaluate(with(CLIENT_MESSAGE_ID_DEDUPE, "mode", mode), ALL,
        List.of(), w -> { }).failure();
    assertEquals("unknown mode " + "m".repeat(31) + "…", failure.detail());
    NegotiationFailure parsed = NegotiationFailure.parseCloseReason(failure.closeReason());
    assertEquals(failure.kind(), parsed.kind());
    assertEquals(failure.feature(), parsed.feature());
    assertTrue(failure.detail().startsWith(parsed.detail()), parsed.detail());
  }
}
