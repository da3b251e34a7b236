package dev.claudemesh.api;

import com.squareup.moshi.Json;
import org.jspecify.annotations.Nullable;

/**
 * A successful answer to {@code POST /v1/send} or {@code /v1/topic/post} (SPEC §4.4): {@code 202
 * {client_message_id, status:"queued"|"inflight"}}, or {@code 200 {client_message_id,
 * duplicate:true, broker_message_id, history_id}} when the same request was already delivered.
 */
public record SendResponse(
    @Json(name = "client_message_id") String clientMessageId,
    @Nullable String status,
    @Nullable Boolean duplicate,
    @Json(name = "broker_message_id") @Nullable String brokerMessageId,
    @Json(name = "history_id") @Nullable String historyId) {

  public static final String STATUS_QUEUED = "queued";
  public static final String STATUS_INFLIGHT = "inflight";

  /** 202 queued: a new row, or the same request still pending. */
  public static SendResponse queued(String clientMessageId) {
    return new SendResponse(clientMessageId, STATUS_QUEUED, null, null, null);
  }

  /** 202 inflight: the same request is being sent. */
  public static SendResponse inflight(String clientMessageId) {
    return new SendResponse(clientMessageId, STATUS_INFLIGHT, null, null, null);
  }

  /** 200 duplicate: the same request was already delivered. */
  public static SendResponse duplicate(String clientMessageId, @Nullable String brokerMessageId,
      @Nullable String historyId) {
    return new SendResponse(clientMessageId, null, true, brokerMessageId, historyId);
  }

  /** The HTTP status this answer goes out with: 200 for a duplicate, else 202. */
  public int httpStatus() {
    return Boolean.TRUE.equals(duplicate) ? 200 : 202;
  }
}
