package dev.claudemesh.core;

import dev.claudemesh.core.fingerprint.Priority;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One send (SPEC §3.3 {@code POST /v1/send}): {@code to} is a member pubkey (64 hex), a peer display
 * name, {@code #topic} or {@code *}. The id is the {@code Idempotency-Key}, else {@code
 * client_message_id}, else a fresh ULID (§4.2). {@code toString()} never shows the message.
 */
public final class SendRequest {
  private final String to;
  private final String message;
  private final Priority priority;
  private final @Nullable Map<String, @Nullable Object> meta;
  private final @Nullable String replyToId;
  private final @Nullable String idempotencyKey;
  private final @Nullable String clientMessageId;

  private SendRequest(Builder b) {
    this.to = b.to;
    this.message = b.message;
    this.priority = b.priority;
    this.meta = b.meta;
    this.replyToId = b.replyToId;
    this.idempotencyKey = b.idempotencyKey;
    this.clientMessageId = b.clientMessageId;
  }

  /** A send of {@code message} to {@code to} with default priority and a minted id. */
  public static SendRequest of(String to, String message) {
    return builder(to, message).build();
  }

  public static Builder builder(String to, String message) {
    return new Builder(to, message);
  }

  public String to() {
    return to;
  }

  public String message() {
    return message;
  }

  public Priority priority() {
    return priority;
  }

  public @Nullable Map<String, @Nullable Object> meta() {
    return meta;
  }

  public @Nullable String replyToId() {
    return replyToId;
  }

  public @Nullable String idempotencyKey() {
    return idempotencyKey;
  }

  public @Nullable String clientMessageId() {
    return clientMessageId;
  }

  @Override
  public String toString() {
    return "SendRequest{to=" + to + ", priority=" + priority.wireName() + ", message=<"
        + message.length() + " chars>}";
  }

  public static final class Builder {
    private final String to;
    private final String message;
    private Priority priority = Priority.NEXT;
    private @Nullable Map<String, @Nullable Object> meta;
    private @Nullable String replyToId;
    private @Nullable String idempotencyKey;
    private @Nullable String clientMessageId;

    Builder(String to, String message) {
      this.to = Objects.requireNonNull(to, "to == null");
      this.message = Objects.requireNonNull(message, "message == null");
    }

    public Builder priority(Priority priority) {
      this.priority = Objects.requireNonNull(priority, "priority == null");
      return this;
    }

    public Builder meta(@Nullable Map<String, ?> meta) {
      this.meta = meta == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(meta));
      return this;
    }

    public Builder replyToId(@Nullable String replyToId) {
      this.replyToId = replyToId;
      return this;
    }

    /** The caller's {@code Idempotency-Key}; wins over {@link #clientMessageId}. */
    public Builder idempotencyKey(@Nullable String idempotencyKey) {
      this.idempotencyKey = idempotencyKey;
      return this;
    }

    public Builder clientMessageId(@Nullable String clientMessageId) {
      this.clientMessageId = clientMessageId;
      return this;
    }

    public SendRequest build() {
      return new SendRequest(this);
    }
  }
}
