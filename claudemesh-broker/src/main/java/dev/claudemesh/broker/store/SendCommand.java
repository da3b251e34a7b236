package dev.claudemesh.broker.store;

import org.jspecify.annotations.Nullable;

/**
 * Everything B2/B3 of SPEC §8.1 need to accept one send in one transaction. The broker logic has
 * already run B0 and B1. {@code clientMessageId} and {@code requestFingerprint} are both null for
 * a send without an idempotency key. {@code leases} picks, inside the transaction, the live
 * connection each new delivery row is leased to (or none: the recipient is offline).
 *
 * <p>{@code toString()} leaves out the body.
 */
public record SendCommand(
    String meshId,
    String senderMemberId,
    String senderMemberPubkey,
    String senderPubkey,
    String senderName,
    @Nullable String clientMessageId,
    byte @Nullable [] requestFingerprint,
    String destinationKind,
    String destinationRef,
    String targetSpec,
    String priority,
    @Nullable String nonce,
    String ciphertext,
    @Nullable String replyToId,
    @Nullable String metaJson,
    long now,
    @Nullable Long dedupeExpiresAt,
    long leaseUntil,
    LeaseAssigner leases) {

  /** Chooses the live connection a new delivery row for a recipient is leased to. */
  @FunctionalInterface
  public interface LeaseAssigner {
    /** A live connection id of {@code memberId}, or null when the member is offline. */
    @Nullable String ownerFor(String memberId);
  }

  public SendCommand {
    if ((clientMessageId == null) != (requestFingerprint == null)) {
      throw new IllegalArgumentException("client_message_id and request_fingerprint come together");
    }
    if (requestFingerprint != null && requestFingerprint.length != 32) {
      throw new IllegalArgumentException("request_fingerprint must be 32 bytes");
    }
  }

  @Override
  public String toString() {
    return "SendCommand{mesh=" + meshId + ", sender=" + senderMemberId + ", client_message_id="
        + clientMessageId + ", target=" + targetSpec + ", ciphertext=<" + ciphertext.length()
        + " chars>}";
  }
}
