package dev.claudemesh.api;

import com.squareup.moshi.Json;
import org.jspecify.annotations.Nullable;

/**
 * One outbox row in the operator view {@code GET /v1/outbox} (SPEC §4.5): state and history only,
 * never the payload. Times are epoch milliseconds; {@code daemon_fingerprint_prefix} is the first
 * 8 bytes (16 hex) of the frozen request fingerprint.
 */
public record OutboxRow(
    String id,
    @Json(name = "client_message_id") String clientMessageId,
    String status,
    int attempts,
    @Json(name = "enqueued_at") long enqueuedAt,
    @Json(name = "next_attempt_at") long nextAttemptAt,
    @Json(name = "daemon_fingerprint_prefix") String daemonFingerprintPrefix,
    @Json(name = "last_error") @Nullable String lastError,
    @Json(name = "delivered_at") @Nullable Long deliveredAt,
    @Json(name = "broker_message_id") @Nullable String brokerMessageId,
    @Json(name = "history_id") @Nullable String historyId,
    @Json(name = "aborted_at") @Nullable Long abortedAt,
    @Json(name = "aborted_by") @Nullable String abortedBy,
    @Json(name = "superseded_by") @Nullable String supersededBy) {

  public static final String STATUS_PENDING = "pending";
  public static final String STATUS_INFLIGHT = "inflight";
  public static final String STATUS_DONE = "done";
  public static final String STATUS_DEAD = "dead";
  public static final String STATUS_ABORTED = "aborted";
}
