package dev.claudemesh.api;

import com.squareup.moshi.Json;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One received message in {@code GET /v1/inbox} (SPEC §3.3, §5). {@code topic} is absent for a
 * direct message; {@code received_at} is epoch milliseconds. {@code toString()} shows lengths,
 * never the message or meta.
 */
public record InboxMessage(
    String id,
    @Json(name = "client_message_id") String clientMessageId,
    @Json(name = "broker_message_id") @Nullable String brokerMessageId,
    @Nullable String topic,
    @Json(name = "sender_pubkey") String senderPubkey,
    @Json(name = "sender_name") String senderName,
    @Nullable String message,
    @Nullable Map<String, @Nullable Object> meta,
    @Nullable String priority,
    @Json(name = "reply_to_id") @Nullable String replyToId,
    @Json(name = "received_at") long receivedAt) {

  public InboxMessage {
    meta = Copies.map(meta);
  }

  @Override
  public String toString() {
    return "InboxMessage{id=" + id + ", client_message_id=" + clientMessageId
        + (topic != null ? ", topic=" + topic : "") + ", from=" + senderName
        + Copies.length("message", message) + Copies.size("meta", meta)
        + ", received_at=" + receivedAt + "}";
  }
}
