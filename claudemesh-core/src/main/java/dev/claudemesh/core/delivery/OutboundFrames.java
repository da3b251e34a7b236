package dev.claudemesh.core.delivery;

import dev.claudemesh.core.crypto.Box;
import dev.claudemesh.core.crypto.Ed25519PublicKey;
import dev.claudemesh.core.crypto.Ed25519SigningKey;
import dev.claudemesh.core.crypto.SealedEnvelope;
import dev.claudemesh.core.crypto.X25519PublicKey;
import dev.claudemesh.core.fingerprint.DestinationKind;
import dev.claudemesh.core.fingerprint.FingerprintRequest;
import dev.claudemesh.core.protocol.SendFrame;
import dev.claudemesh.core.protocol.Target;
import dev.claudemesh.core.store.Outbox;
import dev.claudemesh.core.store.OutboxRow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Builds the {@code send} frame for an outbox row. A DM is sealed the first time from the member
 * key to the recipient's key and the envelope is persisted before it is sent, so every retry
 * carries the same bytes (SPEC §4.5).
 */
final class OutboundFrames {
  /** A row that can never be sent (a destination this peer cannot address). */
  static final class Unsendable extends Exception {
    private static final long serialVersionUID = 1L;
    final String code;

    Unsendable(String code, String message) {
      super(message);
      this.code = code;
    }
  }

  private static final int RECIPIENT_CACHE = 1024;

  private final Outbox outbox;
  private final Supplier<Ed25519SigningKey> signingKey;
  private final Map<String, X25519PublicKey> recipients = new ConcurrentHashMap<>();

  OutboundFrames(Outbox outbox, Supplier<Ed25519SigningKey> signingKey) {
    this.outbox = outbox;
    this.signingKey = signingKey;
  }

  SendFrame frameFor(OutboxRow row) throws IOException, Unsendable {
    FingerprintRequest request = row.request();
    String targetSpec;
    String nonce = null;
    String ciphertext;
    if (request.destinationKind() == DestinationKind.DM) {
      targetSpec = request.destinationRef();
      SealedEnvelope sealed = row.sealed().orElse(null);
      if (sealed == null) {
        X25519PublicKey recipient = recipientKey(targetSpec);
        sealed = Box.seal(request.body().getBytes(StandardCharsets.UTF_8), recipient,
            signingKey.get().toX25519());
        sealed = outbox.saveSealed(row.clientMessageId(), sealed); // the stored one wins
      }
      nonce = sealed.nonceBase64();
      ciphertext = sealed.ciphertextBase64();
    } else if (request.destinationKind() == DestinationKind.TOPIC) {
      String ref = request.destinationRef();
      targetSpec = Target.isBroadcast(ref) ? ref : "#" + ref;
      ciphertext = Base64.getEncoder().encodeToString(request.body().getBytes(StandardCharsets.UTF_8));
    } else {
      throw new Unsendable("destination_kind_unsupported",
          "destination kind " + request.destinationKind().wireName() + " is not supported by this peer");
    }
    try {
      return new SendFrame(
          row.clientMessageId(),
          targetSpec,
          request.priority().wireName(),
          nonce,
          ciphertext,
          request.replyToId(),
          List.of(),
          request.meta(),
          row.clientMessageId(),
          row.fingerprint().hex(),
          request.envelopeVersion(),
          request.destinationKind().wireName(),
          request.destinationRef());
    } catch (IllegalArgumentException e) {
      throw new Unsendable("invalid_send", "outbox row " + row.clientMessageId()
          + " cannot be framed: " + e.getMessage());
    }
  }

  private X25519PublicKey recipientKey(String pubkeyHex) throws Unsendable {
    X25519PublicKey cached = recipients.get(pubkeyHex);
    if (cached != null) {
      return cached;
    }
    X25519PublicKey key;
    try {
      key = Ed25519PublicKey.fromHex(pubkeyHex).toX25519();
    } catch (IllegalArgumentException e) {
      throw new Unsendable("recipient_key_invalid", "recipient " + pubkeyHex + " is not a valid member key");
    }
    if (recipients.size() >= RECIPIENT_CACHE) {
      recipients.clear();
    }
    recipients.put(pubkeyHex, key);
    return key;
  }
}
