package dev.claudemesh.core.protocol;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Client → broker {@code feature_negotiation_request {require[], optional[]}} (SPEC §7.2). */
public record FeatureNegotiationRequest(List<String> require, List<String> optional)
    implements Frame {
  public static final String TYPE = "feature_negotiation_request";

  public FeatureNegotiationRequest {
    require = Check.idList(require, "require", 64);
    optional = Check.idList(optional, "optional", 64);
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Map<String, @Nullable Object> toJson() {
    return new Obj(TYPE).put("require", require).put("optional", optional).build();
  }

  static FeatureNegotiationRequest read(Fields f) throws InvalidFrameException {
    List<String> optional = f.optionalStrings("optional");
    return new FeatureNegotiationRequest(
        f.strings("require"), optional == null ? List.of() : optional);
  }
}
