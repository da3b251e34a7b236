package dev.claudemesh.core.fingerprint;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
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
