package dev.claudemesh.api;

import com.squareup.moshi.Json;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code POST /v1/send} (SPEC §3.3, §4): {@code to} is a 64-hex member pubkey, a peer display name,
 * {@code #topic} or {@code *}; {@code priority} is now, next (default) or low. The id may instead
 * come from the {@code Idempotency-Key} header, which wins (§4.2). {@code toString()} shows
 * lengths, never the message or meta.
 */
public record SendRequest(
    String to,
    String message,
    @Nullable String priority,
    @Nullable Map<String, @Nullable Object> meta,
    @Json(name = "reply_to_id") @Nullable String replyToId,
    @Json(name = "client_message_id") @Nullable String clientMessageId) implements ApiRequest {

  public SendRequest {
    meta = Copies.map(meta);
  }

  /** A send with default priority, no meta and no id (the daemon mints one). */
  public static SendRequest of(String to, String message) {
    return new SendRequest(to, message, null, null, null, null);
  }

  @Override
  public String toString() {
    return "SendRequest{to=" + to + ", message=<" + message.length() + " chars>"
        + (priority != null ? ", priority=" + priority : "")
        + Copies.size("meta", meta)
        + (replyToId != null ? ", reply_to_id=" + replyToId : "")
        + (clientMessageId != null ? ", client_message_id=" + clientMessageId : "") + "}";
  }
}
