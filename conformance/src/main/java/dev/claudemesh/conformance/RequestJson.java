package dev.claudemesh.conformance;

import dev.claudemesh.core.fingerprint.DestinationKind;
import dev.claudemesh.core.fingerprint.FingerprintRequest;
import dev.claudemesh.core.fingerprint.Priority;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Maps a fingerprint fixture's {@code request} object to a typed {@link FingerprintRequest}. */
final class RequestJson {
  private static final Set<String> FIELDS =
      Set.of(
          "envelope_version",
          "destination_kind",
          "destination_ref",
          "reply_to_id",
          "priority",
          "meta",
          "body");

  private RequestJson() {}

  /**
   * Reads the request; {@code envelope_version} defaults to "1", {@code priority} to "next",
   * {@code reply_to_id} and {@code meta} to null.
   *
   * @throws IllegalArgumentException naming the field that is missing, mistyped or unknown
   */
  static FingerprintRequest toRequest(@Nullable Object json) {
    if (!(json instanceof Map)) {
      throw new IllegalArgumentException("a request must be a JSON object");
    }
    Map<?, ?> map = (Map<?, ?>) json;
    for (Object key : map.keySet()) {
      if (!FIELDS.contains(key)) {
        throw new IllegalArgumentException("unknown request field \"" + key + "\"");
      }
    }
    FingerprintRequest.Builder builder = FingerprintRequest.builder();
    String version = optionalString(map, "envelope_version");
    if (version != null) {
      builder.envelopeVersion(version);
    }
    builder.destinationKind(DestinationKind.fromWire(requiredString(map, "destination_kind")));
    builder.destinationRef(requiredString(map, "destination_ref"));
    builder.replyToId(optionalString(map, "reply_to_id"));
    String priority = optionalString(map, "priority");
    if (priority != null) {
      builder.priority(Priority.fromWire(priority));
    }
    Object meta = map.get("meta");
    if (meta != null && !(meta instanceof Map)) {
      throw new IllegalArgumentException("meta must be an object or null");
    }
    @SuppressWarnings("unchecked")
    Map<String, ?> metaMap = (Map<String, ?>) meta;
    builder.meta(metaMap);
    builder.body(requiredString(map, "body"));
    return builder.build();
  }

  private static String requiredString(Map<?, ?> map, String field) {
    String value = optionalString(map, field);
    if (value == null) {
      throw new IllegalArgumentException("missing required string field \"" + field + "\"");
    }
    return value;
  }

  private static @Nullable String optionalString(Map<?, ?> map, String field) {
    Object value = map.get(field);
    if (value != null && !(value instanceof String)) {
      throw new IllegalArgumentException("field \"" + field + "\" must be a string");
    }
    return (String) value;
  }
}
