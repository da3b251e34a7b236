package dev.claudemesh.core.store;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The answer to one accept (SPEC §4.4): which row of the table applied, with the HTTP status and
 * error members the daemon returns for it.
 */
public final class AcceptResult {
  /** The outcome, one per row of the §4.4 table plus storage refusal. */
  public enum Kind {
    /** New row inserted as pending; 202 {@code queued}. */
    QUEUED(202, null),
    /** Same id and request, still pending; 202 {@code queued}, nothing changed. */
    PENDING_MATCH(202, null),
    /** Same id and request, being sent; 202 {@code inflight}. */
    INFLIGHT_MATCH(202, null),
    /** Same id and request, already delivered; 200 {@code duplicate:true}. */
    DONE_MATCH(200, null),
    PENDING_MISMATCH(409, "outbox_pending_fingerprint_mismatch"),
    INFLIGHT_MISMATCH(409, "outbox_inflight_fingerprint_mismatch"),
    DONE_MISMATCH(409, "outbox_done_fingerprint_mismatch"),
    DEAD_MATCH(409, "outbox_dead_fingerprint_match"),
    DEAD_MISMATCH(409, "outbox_dead_fingerprint_mismatch"),
    ABORTED_MATCH(409, "outbox_aborted_fingerprint_match"),
    ABORTED_MISMATCH(409, "outbox_aborted_fingerprint_mismatch"),
    /** The outbox is at 95 % of its byte budget or degraded; 507, nothing written. */
    INSUFFICIENT_STORAGE(507, null);

    private final int httpStatus;
    private final @Nullable String conflict;

    Kind(int httpStatus, @Nullable String conflict) {
      this.httpStatus = httpStatus;
      this.conflict = conflict;
    }

    public int httpStatus() {
      return httpStatus;
    }

    /** The {@code conflict} member of a 409, else empty. */
    public Optional<String> conflict() {
      return Optional.ofNullable(conflict);
    }
  }

  public static final String IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused";
  public static final String INSUFFICIENT_STORAGE = "insufficient_storage";

  private final Kind kind;
  private final String clientMessageId;
  private final @Nullable String daemonFingerprintPrefix;
  private final @Nullable String brokerMessageId;
  private final @Nullable String historyId;
  private final @Nullable String reason;

  AcceptResult(Kind kind, String clientMessageId, @Nullable String daemonFingerprintPrefix,
      @Nullable String brokerMessageId, @Nullable String historyId, @Nullable String reason) {
    this.kind = Objects.requireNonNull(kind);
    this.clientMessageId = clientMessageId;
    this.daemonFingerprintPrefix = daemonFingerprintPrefix;
    this.brokerMessageId = brokerMessageId;
    this.historyId = historyId;
    this.reason = reason;
  }

  public Kind kind() {
    return kind;
  }

  public int httpStatus() {
    return kind.httpStatus();
  }

  public String clientMessageId() {
    return clientMessageId;
  }

  /** The {@code status} member of a 202: {@code queued} or {@code inflight}. */
  public Optional<String> status() {
    switch (kind) {
      case QUEUED:
      case PENDING_MATCH:
        return Optional.of("queued");
      case INFLIGHT_MATCH:
        return Optional.of("inflight");
      default:
        return Optional.empty();
    }
  }

  /** The stable {@code error} code: {@code idempotency_key_reused} for every 409. */
  public Optional<String> error() {
    if (kind.httpStatus() == 409) {
      return Optional.of(IDEMPOTENCY_KEY_REUSED);
    }
    return kind == Kind.INSUFFICIENT_STORAGE ? Optional.of(INSUFFICIENT_STORAGE) : Optional.empty();
  }

  public Optional<String> conflict() {
    return kind.conflict();
  }

  /** First 8 bytes (16 hex) of the stored row's fingerprint; present on every 409. */
  public Optional<String> daemonFingerprintPrefix() {
    return Optional.ofNullable(daemonFingerprintPrefix);
  }

  public Optional<String> brokerMessageId() {
    return Optional.ofNullable(brokerMessageId);
  }

  public Optional<String> historyId() {
    return Optional.ofNullable(historyId);
  }

  /** The dead row's {@code last_error}, on {@link Kind#DEAD_MATCH}. */
  public Optional<String> reason() {
    return Optional.ofNullable(reason);
  }

  @Override
  public String toString() {
    return "AcceptResult{" + kind + " " + kind.httpStatus() + ", id=" + clientMessageId
        + (conflict().isPresent() ? ", conflict=" + conflict().get() : "")
        + (daemonFingerprintPrefix != null ? ", prefix=" + daemonFingerprintPrefix : "")
        + (brokerMessageId != null ? ", broker=" + brokerMessageId : "") + "}";
  }
}
