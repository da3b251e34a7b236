package dev.claudemesh.broker.store;

import java.util.Arrays;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * One row of {@code client_message_dedupe} (SPEC §8.2): the accepted send a {@code (mesh, sender,
 * client_message_id)} names, with the fingerprint it was accepted under.
 */
public record DedupeRecord(
    String meshId,
    String senderMemberId,
    String clientMessageId,
    String brokerMessageId,
    String historyId,
    byte[] requestFingerprint,
    String destinationKind,
    String destinationRef,
    long firstSeenAt,
    @Nullable Long expiresAt,
    boolean historyAvailable) {

  public DedupeRecord {
    requestFingerprint = requestFingerprint.clone();
  }

  @Override
  public byte[] requestFingerprint() {
    return requestFingerprint.clone();
  }

  /** Whether {@code fingerprint} is the one this row was accepted with. */
  public boolean matches(byte[] fingerprint) {
    return java.security.MessageDigest.isEqual(requestFingerprint, fingerprint);
  }

  /** The first 8 bytes of the stored fingerprint as 16 lowercase hex characters. */
  public String fingerprintPrefixHex() {
    return HexFormat.of().formatHex(Arrays.copyOf(requestFingerprint, 8));
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof DedupeRecord)) {
      return false;
    }
    DedupeRecord other = (DedupeRecord) o;
    return meshId.equals(other.meshId)
        && senderMemberId.equals(other.senderMemberId)
        && clientMessageId.equals(other.clientMessageId)
        && brokerMessageId.equals(other.brokerMessageId)
        && Arrays.equals(requestFingerprint, other.requestFingerprint);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(meshId, senderMemberId, clientMessageId, brokerMessageId);
  }

  @Override
  public String toString() {
    return "DedupeRecord{mesh=" + meshId + ", sender=" + senderMemberId + ", client_message_id="
        + clientMessageId + ", broker_message_id=" + brokerMessageId + ", fingerprint_prefix="
        + fingerprintPrefixHex() + ", history_available=" + historyAvailable + "}";
  }
}
