package dev.claudemesh.core.fingerprint;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The parts of a send that its request fingerprint covers (SPEC §4.3). Immutable; {@link
 * #toString()} never shows the body or the meta values.
 */
public final class FingerprintRequest {
  /** The only envelope version defined so far. */
  public static final String ENVELOPE_VERSION_1 = "1";

  private final String envelopeVersion;
  private final DestinationKind destinationKind;
  private final String destinationRef;
  private final @Nullable String replyToId;
  private final Priority priority;
  private final @Nullable Map<String, @Nullable Object> meta;
  private final String body;

  private FingerprintRequest(Builder builder) {
    this.envelopeVersion = builder.envelopeVersion;
    this.destinationKind = Objects.requireNonNull(builder.destinationKind, "destinationKind == null");
    this.destinationRef = Objects.requireNonNull(builder.destinationRef, "destinationRef == null");
    this.replyToId = builder.replyToId;
    this.priority = builder.priority;
    this.meta = builder.meta;
    this.body = Objects.requireNonNull(builder.body, "body == null");
  }

  public static Builder builder() {
    return new Builder();
  }

  private static final Set<String> JSON_FIELDS = Set.of(
      "envelope_version", "destination_kind", "destination_ref", "reply_to_id", "priority", "meta", "body");

  /**
   * Reads the JSON form (a parsed object, as {@link dev.claudemesh.core.jcs.Jcs#parse} returns):
   * {@code {envelope_version, destination_kind, destination_ref, reply_to_id, priority, meta,
   * body}}; {@code envelope_version} defaults to "1", {@code priority} to "next", {@code
   * reply_to_id} and {@code meta} to null. Unknown fields are refused.
   *
   * @throws IllegalArgumentException naming the field that is missing, mistyped or unknown
   */
  public static FingerprintRequest fromJson(@Nullable Object json) {
    if (!(json instanceof Map)) {
      throw new IllegalArgumentException("a request must be a JSON object");
    }
    Map<?, ?> map = (Map<?, ?>) json;
    for (Object key : map.keySet()) {
      if (!JSON_FIELDS.contains(key)) {
        throw new IllegalArgumentException("unknown request field \"" + key + "\"");
      }
    }
    Builder builder = builder();
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

  /** The JSON form read by {@link #fromJson}, with every field present (nulls included). */
  public Map<String, @Nullable Object> toJson() {
    Map<String, @Nullable Object> json = new LinkedHashMap<>();
    json.put("envelope_version", envelopeVersion);
    json.put("destination_kind", destinationKind.wireName());
    json.put("destination_ref", destinationRef);
    json.put("reply_to_id", replyToId);
    json.put("priority", priority.wireName());
    json.put("meta", meta);
    json.put("body", body);
    return json;
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

  public String envelopeVersion() {
    return envelopeVersion;
  }

  public DestinationKind destinationKind() {
    return destinationKind;
  }

  /** Topic name, recipient member pubkey (hex) or queue id. */
  public String destinationRef() {
    return destinationRef;
  }

  public @Nullable String replyToId() {
    return replyToId;
  }

  public Priority priority() {
    return priority;
  }

  /** The meta object as given (unmodifiable), or null when absent. */
  public @Nullable Map<String, @Nullable Object> meta() {
    return meta;
  }

  /** The message text whose UTF-8 bytes are hashed. */
  public String body() {
    return body;
  }

  @Override
  public String toString() {
    return "FingerprintRequest{envelopeVersion="
        + envelopeVersion
        + ", destinationKind="
        + destinationKind.wireName()
        + ", destinationRef="
        + destinationRef
        + ", replyToId="
        + replyToId
        + ", priority="
        + priority.wireName()
        + ", meta="
        + (meta == null ? "null" : meta.size() + " keys")
        + ", body="
        + body.length()
        + " chars}";
  }

  /** Builds a {@link FingerprintRequest}; defaults: envelope version "1", priority next. */
  public static final class Builder {
    private String envelopeVersion = ENVELOPE_VERSION_1;
    private @Nullable DestinationKind destinationKind;
    private @Nullable String destinationRef;
    private @Nullable String replyToId;
    private Priority priority = Priority.NEXT;
    private @Nullable Map<String, @Nullable Object> meta;
    private @Nullable String body;

    private Builder() {}

    /** Only {@code "1"} is defined (SPEC §4.3). */
    public Builder envelopeVersion(String envelopeVersion) {
      Objects.requireNonNull(envelopeVersion, "envelopeVersion == null");
      if (!ENVELOPE_VERSION_1.equals(envelopeVersion)) {
        throw new IllegalArgumentException(
            "unsupported envelope_version \"" + envelopeVersion + "\" (only \"1\" is defined)");
      }
      this.envelopeVersion = envelopeVersion;
      return this;
    }

    public Builder destinationKind(DestinationKind destinationKind) {
      this.destinationKind = Objects.requireNonNull(destinationKind, "destinationKind == null");
      return this;
    }

    /** Non-empty, without NUL (NUL separates the fingerprinted fields). */
    public Builder destinationRef(String destinationRef) {
      Objects.requireNonNull(destinationRef, "destinationRef == null");
      if (destinationRef.isEmpty()) {
        throw new IllegalArgumentException("destination_ref is empty");
      }
      this.destinationRef = checkNoNul("destination_ref", destinationRef);
      return this;
    }

    /** The message this one replies to; null or empty means none (they fingerprint alike). */
    public Builder replyToId(@Nullable String replyToId) {
      this.replyToId = replyToId == null ? null : checkNoNul("reply_to_id", replyToId);
      return this;
    }

    public Builder priority(Priority priority) {
      this.priority = Objects.requireNonNull(priority, "priority == null");
      return this;
    }

    /**
     * The meta object; null and an empty map fingerprint alike. Values are a JSON value tree
     * (maps, lists, strings, numbers, booleans, null); the map is copied.
     */
    public Builder meta(@Nullable Map<String, ?> meta) {
      this.meta = meta == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(meta));
      return this;
    }

    public Builder body(String body) {
      this.body = Objects.requireNonNull(body, "body == null");
      return this;
    }

    /**
     * @throws IllegalStateException if destination kind, destination ref or body is missing
     */
    public FingerprintRequest build() {
      if (destinationKind == null) {
        throw new IllegalStateException("destinationKind is required");
      }
      if (destinationRef == null) {
        throw new IllegalStateException("destinationRef is required");
      }
      if (body == null) {
        throw new IllegalStateException("body is required");
      }
      return new FingerprintRequest(this);
    }

    private static String checkNoNul(String field, String value) {
      if (value.indexOf('\0') >= 0) {
        throw new IllegalArgumentException(field + " contains a NUL character");
      }
      return value;
    }
  }
}
