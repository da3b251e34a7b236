package dev.claudemesh.api;

import com.squareup.moshi.Json;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code POST /v1/outbox/requeue} (SPEC §4.7): abort the {@code dead} or {@code pending} row
 * {@code id} and queue a fresh one under {@code new_client_message_id}, or under a minted id when
 * {@code auto} is true (exactly one of the two). {@code message} and {@code meta} patch the
 * payload; absent, the old payload is reused. {@code toString()} shows lengths only.
 */
public record RequeueRequest(
    String id,
    @Json(name = "new_client_message_id") @Nullable String newClientMessageId,
    @Nullable Boolean auto,
    @Nullable String message,
    @Nullable Map<String, @Nullable Object> meta) implements ApiRequest {

  public RequeueRequest {
    meta = Copies.map(meta);
  }

  @Override
  public String toString() {
    return "RequeueRequest{id=" + id
        + (newClientMessageId != null ? ", new_client_message_id=" + newClientMessageId : "")
        + (auto != null ? ", auto=" + auto : "")
        + Copies.length("message", message) + Copies.size("meta", meta) + "}";
  }
}
