package dev.claudemesh.api;

import com.squareup.moshi.Json;
import org.jspecify.annotations.Nullable;

/**
 * An error answer, {@code application/problem+json} (RFC 9457, SPEC §3.3): the standard members
 * plus the stable {@code error} code and the §4.4 conflict members. Absent members are omitted
 * on the wire; {@code type} is left out, which RFC 9457 reads as {@code about:blank}.
 *
 * @param title the HTTP reason phrase of {@code status}
 * @param status the HTTP status, repeated in the body
 * @param detail a human explanation; never holds message bodies or tokens
 * @param error the stable code, one of {@link ErrorCodes}
 * @param conflict on a 409, which §4.4 row applied
 * @param daemonFingerprintPrefix on a 409, the first 8 bytes (16 hex) of the stored fingerprint
 * @param brokerMessageId on {@code outbox_done_fingerprint_mismatch}
 * @param reason on {@code outbox_dead_fingerprint_match}, the dead row's last error
 * @param retryAfter on a 429 or 503, seconds to wait (also sent as {@code Retry-After})
 */
public record Problem(
    String title,
    int status,
    @Nullable String detail,
    String error,
    @Nullable String conflict,
    @Json(name = "daemon_fingerprint_prefix") @Nullable String daemonFingerprintPrefix,
    @Json(name = "broker_message_id") @Nullable String brokerMessageId,
    @Nullable String reason,
    @Json(name = "retry_after") @Nullable Long retryAfter) {

  /** A problem with the status and title of {@code code} from the {@link ErrorCodes} table. */
  public static Problem of(String code, String detail) {
    int status = ErrorCodes.requireStatus(code);
    return new Problem(ErrorCodes.title(status), status, detail, code, null, null, null, null, null);
  }

  /** A 429 or 503 with {@code retry_after} seconds. */
  public static Problem retryAfter(String code, String detail, long seconds) {
    int status = ErrorCodes.requireStatus(code);
    return new Problem(ErrorCodes.title(status), status, detail, code, null, null, null, null,
        seconds);
  }

  /**
   * A §4.4 conflict: 409 {@code idempotency_key_reused} with {@code conflict} and the stored
   * row's fingerprint prefix, plus {@code broker_message_id} or {@code reason} where the table
   * names them.
   */
  public static Problem idempotencyConflict(String conflict, String daemonFingerprintPrefix,
      @Nullable String brokerMessageId, @Nullable String reason) {
    if (!ErrorCodes.CONFLICTS.contains(conflict)) {
      throw new IllegalArgumentException("unknown conflict: " + conflict);
    }
    return new Problem(ErrorCodes.title(409), 409,
        "client_message_id already used: " + conflict, ErrorCodes.IDEMPOTENCY_KEY_REUSED,
        conflict, daemonFingerprintPrefix, brokerMessageId, reason, null);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("Problem{").append(status).append(' ').append(error);
    if (conflict != null) {
      b.append(", conflict=").append(conflict);
    }
    if (daemonFingerprintPrefix != null) {
      b.append(", prefix=").append(daemonFingerprintPrefix);
    }
    if (brokerMessageId != null) {
      b.append(", broker_message_id=").append(brokerMessageId);
    }
    if (retryAfter != null) {
      b.append(", retry_after=").append(retryAfter);
    }
    if (detail != null) {
      b.append(", detail=").append(detail);
    }
    return b.append('}').toString();
  }
}
