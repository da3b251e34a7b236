package dev.claudemesh.core.protocol;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Judges a broker's {@code feature_negotiation_response} against what the client requires (SPEC
 * §7.2). A required feature that is missing, has a missing or out-of-range required param, an
 * unknown {@code params.version} or an unknown {@code mode} fails the negotiation; the same in an
 * optional feature drops that feature. An invalid optional param falls back to its default.
 */
public final class FeatureNegotiation {
  public static final String CLIENT_MESSAGE_ID_DEDUPE = "client_message_id_dedupe";
  public static final String CONCURRENT_CONNECTION_POLICY = "concurrent_connection_policy";
  public static final String MEMBER_KEYPAIR_ROTATED_EVENT = "member_keypair_rotated_event";
  public static final String KEY_EPOCH = "key_epoch";
  public static final String MAX_PAYLOAD = "max_payload";

  public static final String PREFER_NEWEST = "prefer_newest";
  public static final String PREFER_OLDEST = "prefer_oldest";
  public static final String ALLOW_CONCURRENT = "allow_concurrent";
  public static final List<String> POLICIES = List.of(PREFER_NEWEST, PREFER_OLDEST, ALLOW_CONCURRENT);

  /** The features a daemon requires unless configured otherwise. */
  public static final List<String> DEFAULT_REQUIRE =
      List.of(CLIENT_MESSAGE_ID_DEDUPE, CONCURRENT_CONNECTION_POLICY);
  /** The features a daemon asks for without requiring them. */
  public static final List<String> DEFAULT_OPTIONAL =
      List.of(MEMBER_KEYPAIR_ROTATED_EVENT, KEY_EPOCH, MAX_PAYLOAD);

  public static final int MIN_RETENTION_DAYS = 3;
  public static final int MIN_PAYLOAD_BYTES = 1024;

  private FeatureNegotiation() {}

  /** The outcome: the agreed features, or the first failure of a required one. */
  public record Outcome(@Nullable NegotiatedFeatures features, @Nullable NegotiationFailure failure) {
    public boolean ok() {
      return failure == null;
    }
  }

  /**
   * Evaluates {@code response}; {@code warnings} receives one line per optional feature dropped
   * because its offer was invalid (not for one the broker simply does not offer) and per defaulted
   * optional param.
   */
  public static Outcome evaluate(
      FeatureNegotiationResponse response,
      Collection<String> require,
      Collection<String> optional,
      Consumer<String> warnings) {
    Map<String, Map<String, @Nullable Object>> agreed = new LinkedHashMap<>();
    Set<String> all = new LinkedHashSet<>(require);
    all.addAll(optional);
    for (String feature : all) {
      boolean required = require.contains(feature);
      Map<String, @Nullable Object> params = response.supported().get(feature);
      NegotiationFailure failure;
      if (params == null || response.missingRequired().contains(feature)) {
        failure = new NegotiationFailure(
            NegotiationFailure.FEATURE_UNAVAILABLE, feature, "broker does not support it");
      } else {
        Map<String, @Nullable Object> checked = new LinkedHashMap<>(params);
        failure = check(feature, checked, warnings);
        if (failure == null) {
          agreed.put(feature, checked);
          continue;
        }
      }
      if (required) {
        return new Outcome(null, failure);
      }
      if (!failure.kind().equals(NegotiationFailure.FEATURE_UNAVAILABLE)) {
        // a broker that does not offer an optional feature is normal; a broken offer is worth a warning
        warnings.accept("optional feature " + feature + " dropped: " + failure.kind() + " " + failure.detail());
      }
    }
    return new Outcome(new NegotiatedFeatures(agreed), null);
  }

  private static @Nullable NegotiationFailure check(
      String feature, Map<String, @Nullable Object> params, Consumer<String> warnings) {
    Object version = params.get("version");
    if (!(version instanceof Number) || ((Number) version).doubleValue() != 1.0) {
      return invalid(feature, "params.version must be 1, got " + describe(version));
    }
    switch (feature) {
      case CLIENT_MESSAGE_ID_DEDUPE: {
        Object mode = params.get("mode");
        if (!"retention_scoped".equals(mode) && !"permanent".equals(mode)) {
          return invalid(feature, "unknown mode " + describe(mode));
        }
        if (!Boolean.TRUE.equals(params.get("request_fingerprint"))) {
          return invalid(feature, "request_fingerprint must be true");
        }
        if ("retention_scoped".equals(mode)) {
          Object days = params.get("dedupe_retention_days");
          if (!isInteger(days)) {
            return invalid(feature, "dedupe_retention_days must be an integer, got " + describe(days));
          }
          if (((Number) days).longValue() < MIN_RETENTION_DAYS) {
            return belowFloor(feature, "dedupe_retention_days " + describe(days) + " < " + MIN_RETENTION_DAYS);
          }
        }
        Object tombstone = params.get("tombstone_history_pruned_window_days");
        if (tombstone != null && !(isInteger(tombstone) && ((Number) tombstone).longValue() >= 0)) {
          warnings.accept(feature + ": invalid tombstone_history_pruned_window_days " + describe(tombstone)
              + ", using the default");
          params.remove("tombstone_history_pruned_window_days");
        }
        return null;
      }
      case CONCURRENT_CONNECTION_POLICY: {
        Object policy = params.get("default_policy");
        if (policy != null && !POLICIES.contains(policy)) {
          warnings.accept(feature + ": invalid default_policy " + describe(policy) + ", using " + PREFER_NEWEST);
          params.put("default_policy", PREFER_NEWEST);
        }
        return null;
      }
      case KEY_EPOCH: {
        Object epochs = params.get("max_concurrent_epochs");
        if (!isInteger(epochs)) {
          return invalid(feature, "max_concurrent_epochs must be an integer, got " + describe(epochs));
        }
        if (((Number) epochs).longValue() < 1) {
          return belowFloor(feature, "max_concurrent_epochs " + describe(epochs) + " < 1");
        }
        return null;
      }
      case MAX_PAYLOAD: {
        for (String name : List.of("inline_bytes", "blob_bytes")) {
          Object bytes = params.get(name);
          if (!isInteger(bytes)) {
            return invalid(feature, name + " must be an integer, got " + describe(bytes));
          }
          if (((Number) bytes).longValue() < MIN_PAYLOAD_BYTES) {
            return belowFloor(feature, name + " " + describe(bytes) + " < " + MIN_PAYLOAD_BYTES);
          }
        }
        return null;
      }
      default:
        return null; // member_keypair_rotated_event and unknown features: version is all there is
    }
  }

  private static boolean isInteger(@Nullable Object value) {
    if (!(value instanceof Number)) {
      return false;
    }
    double d = ((Number) value).doubleValue();
    return d == Math.rint(d) && Math.abs(d) < 1e15;
  }

  private static String describe(@Nullable Object value) {
    if (value == null) {
      return "nothing";
    }
    String s = value instanceof Double && isInteger(value)
        ? Long.toString(((Double) value).longValue())
        : String.valueOf(value);
    if (s.length() <= 32) {
      return s;
    }
    // never cut between the two halves of a surrogate pair: the close reason must stay JSON
    int end = Character.isHighSurrogate(s.charAt(31)) ? 31 : 32;
    return s.substring(0, end) + "…";
  }

  private static NegotiationFailure invalid(String feature, String detail) {
    return new NegotiationFailure(NegotiationFailure.FEATURE_PARAM_INVALID, feature, detail);
  }

  private static NegotiationFailure belowFloor(String feature, String detail) {
    return new NegotiationFailure(NegotiationFailure.FEATURE_PARAM_BELOW_FLOOR, feature, detail);
  }
}
