package dev.claudemesh.core.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * The features a broker agreed to, with their checked params (SPEC §7.2). Features that failed
 * validation as optional features are absent; see {@link FeatureNegotiation}.
 */
public final class NegotiatedFeatures {
  /** Inline payload limit assumed when the broker does not negotiate {@code max_payload}. */
  public static final int DEFAULT_INLINE_BYTES = 1 << 20;

  private final Map<String, Map<String, @Nullable Object>> features;

  NegotiatedFeatures(Map<String, Map<String, @Nullable Object>> features) {
    Map<String, Map<String, @Nullable Object>> copy = new LinkedHashMap<>();
    features.forEach((name, params) -> copy.put(name, Collections.unmodifiableMap(new LinkedHashMap<>(params))));
    this.features = Collections.unmodifiableMap(copy);
  }

  /** A broker that never negotiated (or a client that did not ask): nothing agreed. */
  public static NegotiatedFeatures none() {
    return new NegotiatedFeatures(Map.of());
  }

  public boolean has(String feature) {
    return features.containsKey(feature);
  }

  /** Feature name → params, as agreed. */
  public Map<String, Map<String, @Nullable Object>> asMap() {
    return features;
  }

  /** {@code permanent} or {@code retention_scoped}, when dedupe was negotiated. */
  public Optional<String> dedupeMode() {
    return Optional.ofNullable(
        (String) param(FeatureNegotiation.CLIENT_MESSAGE_ID_DEDUPE, "mode"));
  }

  public OptionalInt dedupeRetentionDays() {
    Object days = param(FeatureNegotiation.CLIENT_MESSAGE_ID_DEDUPE, "dedupe_retention_days");
    return days instanceof Number
        ? OptionalInt.of((int) Math.min(Integer.MAX_VALUE, ((Number) days).longValue()))
        : OptionalInt.empty();
  }

  /** {@code prefer_newest} unless the broker advertised another valid default. */
  public String connectionPolicy() {
    Object policy = param(FeatureNegotiation.CONCURRENT_CONNECTION_POLICY, "default_policy");
    return policy instanceof String ? (String) policy : FeatureNegotiation.PREFER_NEWEST;
  }

  /**
   * The broker's {@code inline_bytes}, never more than {@link Frames#MAX_INLINE_BYTES} (what one
   * frame of this protocol carries); {@link #DEFAULT_INLINE_BYTES} when not negotiated.
   */
  public int inlineBytes() {
    Object bytes = param(FeatureNegotiation.MAX_PAYLOAD, "inline_bytes");
    return bytes instanceof Number
        ? (int) Math.min(Frames.MAX_INLINE_BYTES, ((Number) bytes).longValue())
        : DEFAULT_INLINE_BYTES;
  }

  private @Nullable Object param(String feature, String name) {
    Map<String, @Nullable Object> params = features.get(feature);
    return params == null ? null : params.get(name);
  }

  @Override
  public String toString() {
    return "NegotiatedFeatures" + features;
  }
}
