package dev.claudemesh.client;

import dev.claudemesh.api.Problem;
import org.jspecify.annotations.Nullable;

/**
 * 409 {@code idempotency_key_reused}: the {@code client_message_id} is already consumed by a
 * different request or by a row that can no longer take it (SPEC §4.4). Never retried: pick a new
 * id, or requeue the old row (SPEC §4.7).
 */
public final class IdempotencyKeyReusedException extends ClaudemeshException {
  private static final long serialVersionUID = 1L;

  IdempotencyKeyReusedException(String route, Problem problem) {
    super(route, problem);
  }

  /** Which §4.4 row applied, e.g. {@code outbox_pending_fingerprint_mismatch}. */
  public @Nullable String conflict() {
    return problem().conflict();
  }

  /** The first 8 bytes (16 hex) of the stored request's fingerprint. */
  public @Nullable String daemonFingerprintPrefix() {
    return problem().daemonFingerprintPrefix();
  }

  /** On {@code outbox_done_fingerprint_mismatch}: the id the broker gave the stored message. */
  public @Nullable String brokerMessageId() {
    return problem().brokerMessageId();
  }

  /** On {@code outbox_dead_fingerprint_match}: why the stored row died. */
  public @Nullable String reason() {
    return problem().reason();
  }
}
