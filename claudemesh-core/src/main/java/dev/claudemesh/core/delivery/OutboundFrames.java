package dev.claudemesh.core.delivery;

import dev.claudemesh.core.crypto.Box;
import dev.claudemesh.core.crypto.Ed25519PublicKey;
import dev.claudemesh.core.crypto.Ed25519SigningKey;
import dev.claudemesh.core.crypto.SealedEnvelope;
import dev.claudemesh.core.crypto.X25519PublicKey;
import dev.claudemesh.core.crypto.X25519SecretKey;
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
import org.jspecify.annotations.Nullable;

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
  private final Map<String, Box.SharedKey> sharedKeys = new ConcurrentHashMap<>();
  private volatile @Nullable SenderKey sender;

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
      if (sealed == null) { // normally sealed by the claim (sealInClaim); this is the fallback that explains failures
        sealed = sharedKey(targetSpec).seal(request.body().getBytes(StandardCharsets.UTF_8));
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

  /**
   * Seals a claimed DM row inside the claim's transaction ({@link Outbox.Sealer}); null when it
   * cannot, and {@link #frameFor} then reports why.
   */
  @Nullable SealedEnvelope sealInClaim(OutboxRow row) {
    try {
      return sharedKey(row.request().destinationRef()).seal(row.request().body().getBytes(StandardCharsets.UTF_8));
    } catch (Unsendable | RuntimeException e) {
      return null;
    }
  }

  /**
   * The precomputed box key from this member's current key to {@code pubkeyHex}: the X25519
   * conversions and the scalar multiplication run once per recipient (and again after a key
   * rotation), not once per DM.
   */
  private Box.SharedKey sharedKey(String pubkeyHex) throws Unsendable {
    Ed25519SigningKey signer = signingKey.get();
    SenderKey sender = this.sender;
    if (sender == null || (sender.signer != signer && !sender.signer.publicKey().equals(signer.publicKey()))) {
      sender = new SenderKey(signer, signer.toX25519());
      this.sender = sender;
    }
    Box.SharedKey cached = sharedKeys.get(pubkeyHex);
    if (cached != null && cached.sender().equals(sender.x25519.publicKey())) {
      return cached;
    }
    X25519PublicKey recipient;
    try {
      recipient = Ed25519PublicKey.fromHex(pubkeyHex).toX25519();
    } catch (IllegalArgumentException e) {
      throw new Unsendable("recipient_key_invalid", "recipient " + pubkeyHex + " is not a valid member key");
    }
    Box.SharedKey key;
    try {
      key = Box.precompute(recipient, sender.x25519);
    } catch (IllegalArgumentException e) {
      throw new Unsendable("recipient_key_invalid", "recipient " + pubkeyHex + " is not a usable box key");
    }
    if (sharedKeys.size() >= RECIPIENT_CACHE) {
      sharedKeys.clear();
    }
    sharedKeys.put(pubkeyHex, key);
    return key;
  }

  /** The member key the cached shared keys belong to, with its X25519 form. */
  private static final class SenderKey {
    final Ed25519SigningKey signer;
    final X25519SecretKey x25519;

    SenderKey(Ed25519SigningKey signer, X25519SecretKey x25519) {
      this.signer = signer;
      this.x25519 = x25519;
    }
  }
}
