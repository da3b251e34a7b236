package dev.claudemesh.core.store;

import dev.claudemesh.core.crypto.SealedEnvelope;
import dev.claudemesh.core.fingerprint.FingerprintRequest;
import dev.claudemesh.core.fingerprint.RequestFingerprint;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** One outbox row as stored. {@code toString()} shows no body, meta or ciphertext. */
public final class OutboxRow {
  private final String id;
  private final String clientMessageId;
  private final RequestFingerprint fingerprint;
  private final FingerprintRequest request;
  private final Instant enqueuedAt;
  private final int attempts;
  private final Instant nextAttemptAt;
  private final OutboxStatus status;
  private final @Nullable String lastError;
  private final @Nullable Instant deliveredAt;
  private final @Nullable String brokerMessageId;
  private final @Nullable String historyId;
  private final @Nullable Instant abortedAt;
  private final @Nullable String abortedBy;
  private final @Nullable String supersededBy;
  private final @Nullable SealedEnvelope sealed;

  OutboxRow(String id, String clientMessageId, RequestFingerprint fingerprint, FingerprintRequest request,
      Instant enqueuedAt, int attempts, Instant nextAttemptAt, OutboxStatus status, @Nullable String lastError,
      @Nullable Instant deliveredAt, @Nullable String brokerMessageId, @Nullable String historyId,
      @Nullable Instant abortedAt, @Nullable String abortedBy, @Nullable String supersededBy,
      @Nullable SealedEnvelope sealed) {
    this.id = id;
    this.clientMessageId = clientMessageId;
    this.fingerprint = fingerprint;
    this.request = request;
    this.enqueuedAt = enqueuedAt;
    this.attempts = attempts;
    this.nextAttemptAt = nextAttemptAt;
    this.status = status;
    this.lastError = lastError;
    this.deliveredAt = deliveredAt;
    this.brokerMessageId = brokerMessageId;
    this.historyId = historyId;
    this.abortedAt = abortedAt;
    this.abortedBy = abortedBy;
    this.supersededBy = supersededBy;
    this.sealed = sealed;
  }

  /** This row with its sealed envelope (stored in the same transaction that produced the copy). */
  OutboxRow withSealed(SealedEnvelope envelope) {
    return new OutboxRow(id, clientMessageId, fingerprint, request, enqueuedAt, attempts, nextAttemptAt, status,
        lastError, deliveredAt, brokerMessageId, historyId, abortedAt, abortedBy, supersededBy, envelope);
  }

  public String id() {
    return id;
  }

  public String clientMessageId() {
    return clientMessageId;
  }

  /** Frozen at accept; never recomputed from the payload. */
  public RequestFingerprint fingerprint() {
    return fingerprint;
  }

  public FingerprintRequest request() {
    return request;
  }

  public Instant enqueuedAt() {
    return enqueuedAt;
  }

  public int attempts() {
    return attempts;
  }

  public Instant nextAttemptAt() {
    return nextAttemptAt;
  }

  public OutboxStatus status() {
    return status;
  }

  public Optional<String> lastError() {
    return Optional.ofNullable(lastError);
  }

  public Optional<Instant> deliveredAt() {
    return Optional.ofNullable(deliveredAt);
  }

  public Optional<String> brokerMessageId() {
    return Optional.ofNullable(brokerMessageId);
  }

  public Optional<String> historyId() {
    return Optional.ofNullable(historyId);
  }

  public Optional<Instant> abortedAt() {
    return Optional.ofNullable(abortedAt);
  }

  public Optional<String> abortedBy() {
    return Optional.ofNullable(abortedBy);
  }

  /** The client_message_id of the row that replaced this one by requeue. */
  public Optional<String> supersededBy() {
    return Optional.ofNullable(supersededBy);
  }

  /** The DM envelope sealed once and reused on every retry, once the drain worker sealed it. */
  public Optional<SealedEnvelope> sealed() {
    return Optional.ofNullable(sealed);
  }

  @Override
  public String toString() {
    return "OutboxRow{id=" + id + ", clientMessageId=" + clientMessageId + ", status=" + status.wireName()
        + ", attempts=" + attempts + ", to=" + request.destinationKind().wireName() + ":" + request.destinationRef()
        + ", fingerprint=" + fingerprint.prefixHex() + "}";
  }
}
