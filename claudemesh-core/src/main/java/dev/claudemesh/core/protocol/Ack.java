package dev.claudemesh.core.protocol;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Broker → client {@code ack} for a {@code send} (SPEC §7.3): {@code status} 201 accepted, 200
 * duplicate, 409 {@code idempotency_key_reused}, other 4xx rejected ({@link Error#permanent} says
 * whether a retry can help), 5xx transient.
 */
public record Ack(
    String id,
    int status,
    @Nullable String clientMessageId,
    @Nullable String brokerMessageId,
    @Nullable String messageId,
    @Nullable String historyId,
    boolean duplicate,
    boolean historyAvailable,
    @Nullable Long firstSeenAt,
    boolean queued,
    @Nullable String conflict,
    @Nullable String brokerFingerprintPrefix,
    @Nullable Error error)
    implements Frame {
  public static final String TYPE = "ack";

  /** The structured error of a non-2xx ack. */
  public record Error(String code, String message, boolean permanent) {
    public Error {
      Check.id(code, "error.code", 64);
      Check.text(message, "error.message", Check.MAX_TEXT);
    }

    Map<String, @Nullable Object> toJson() {
      return new Obj().put("code", code).put("message", message).put("permanent", permanent).build();
    }
  }

  public Ack {
    Check.id(id, "id");
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be an HTTP status code");
    }
    if (clientMessageId != null) {
      Check.id(clientMessageId, "client_message_id", 128);
    }
    Check.optionalId(brokerMessageId, "broker_message_id");
    Check.optionalId(messageId, "messageId");
    Check.optionalId(historyId, "history_id");
    if (firstSeenAt != null) {
      Check.nonNegative(firstSeenAt, "first_seen_at");
    }
    Check.optionalId(conflict, "conflict");
    if (brokerFingerprintPrefix != null) {
      Check.hex(brokerFingerprintPrefix, "broker_fingerprint_prefix", 16);
    }
    if (status >= 300 && error == null) {
      throw new IllegalArgumentException("error is required when status is 300 or more");
    }
  }

  /** A 201 or 200 answer. */
  public boolean accepted() {
    return status == 200 || status == 201;
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Map<String, @Nullable Object> toJson() {
    return new Obj(TYPE)
        .put("id", id)
        .put("status", status)
        .put("client_message_id", clientMessageId)
        .put("broker_message_id", brokerMessageId)
        .put("messageId", messageId)
        .put("history_id", historyId)
        .put("duplicate", duplicate)
        .put("history_available", historyAvailable)
        .put("first_seen_at", firstSeenAt)
        .put("queued", queued)
        .put("conflict", conflict)
        .put("broker_fingerprint_prefix", brokerFingerprintPrefix)
        .put("error", error == null ? null : error.toJson())
        .build();
  }

  static Ack read(Fields f) throws InvalidFrameException {
    Map<String, @Nullable Object> errorJson = f.optionalObject("error");
    Error error = null;
    if (errorJson != null) {
      Fields e = new Fields(f.type() + ".error", errorJson);
      Boolean permanent = e.optionalBool("permanent");
      error = new Error(e.string("code"), orEmpty(e.optionalString("message")), permanent != null && permanent);
    }
    Boolean duplicate = f.optionalBool("duplicate");
    Boolean historyAvailable = f.optionalBool("history_available");
    Boolean queued = f.optionalBool("queued");
    long status = f.integer("status");
    if (status < 100 || status > 599) {
      throw f.invalid("status must be an HTTP status code");
    }
    return new Ack(
        f.string("id"),
        (int) status,
        f.optionalString("client_message_id"),
        f.optionalString("broker_message_id"),
        f.optionalString("messageId"),
        f.optionalString("history_id"),
        duplicate != null && duplicate,
        historyAvailable == null || historyAvailable,
        f.optionalInteger("first_seen_at"),
        queued != null && queued,
        f.optionalString("conflict"),
        f.optionalString("broker_fingerprint_prefix"),
        error);
  }

  private static String orEmpty(@Nullable String s) {
    return s == null ? "" : s;
  }
}
