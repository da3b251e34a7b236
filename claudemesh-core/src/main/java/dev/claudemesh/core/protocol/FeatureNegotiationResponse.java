package dev.claudemesh.core.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Broker → client {@code feature_negotiation_response {supported:{name:{params:{…}}},
 * missing_required[]}} (SPEC §7.2). {@code supported} maps a feature name to its params object;
 * the params are kept as sent and judged by {@link FeatureNegotiation}.
 */
public record FeatureNegotiationResponse(
    Map<String, Map<String, @Nullable Object>> supported, List<String> missingRequired)
    implements Frame {
  public static final String TYPE = "feature_negotiation_response";

  public FeatureNegotiationResponse {
    if (supported.size() > 64) {
      throw new IllegalArgumentException("supported has more than 64 features");
    }
    Map<String, Map<String, @Nullable Object>> copy = new LinkedHashMap<>();
    for (Map.Entry<String, Map<String, @Nullable Object>> e : supported.entrySet()) {
      Check.id(e.getKey(), "supported feature name");
      copy.put(e.getKey(), Collections.unmodifiableMap(new LinkedHashMap<>(e.getValue())));
    }
    supported = Collections.unmodifiableMap(copy);
    missingRequired = Check.idList(missingRequired, "missing_required", 64);
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Map<String, @Nullable Object> toJson() {
    Map<String, @Nullable Object> features = new LinkedHashMap<>();
    for (Map.Entry<String, Map<String, @Nullable Object>> e : supported.entrySet()) {
      features.put(e.getKey(), Map.of("params", e.getValue()));
    }
    return new Obj(TYPE).put("supported", features).put("missing_required", missingRequired).build();
  }

  static FeatureNegotiationResponse read(Fields f) throws InvalidFrameException {
    Map<String, @Nullable Object> features = f.object("supported");
    Map<String, Map<String, @Nullable Object>> supported = new LinkedHashMap<>();
    for (String name : features.keySet()) {
      // checked before the name appears in any message about its value
      Check.id(name, "supported feature name");
      Fields feature = new Fields(f.type() + ".supported." + name, asObject(f, features.get(name), name));
      Map<String, @Nullable Object> params = feature.optionalObject("params");
      supported.put(name, params == null ? Map.of() : params);
    }
    List<String> missing = f.optionalStrings("missing_required");
    return new FeatureNegotiationResponse(supported, missing == null ? List.of() : missing);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, @Nullable Object> asObject(Fields f, @Nullable Object value, String name)
      throws InvalidFrameException {
    if (!(value instanceof Map)) {
      throw f.invalid("supported." + name + " must be an object");
    }
    return (Map<String, @Nullable Object>) value;
  }
}
