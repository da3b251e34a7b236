package dev.claudemesh.core.crypto;

import java.util.Objects;

/**
 * libsodium {@code crypto_box_easy} between X25519 keys: how claudemesh seals DMs from the
 * sender's member key to the recipient's (SPEC §7.3).
 */
public final class Box {
  private Box() {}

  /** Seals {@code plaintext} with a fresh random 24-byte nonce. */
  public static SealedEnvelope seal(byte[] plaintext, X25519PublicKey recipient, X25519SecretKey sender) {
    return seal(plaintext, SecureRandomBytes.next(SealedEnvelope.NONCE_LENGTH), recipient, sender);
  }

  /**
   * Seals with the given nonce. Deterministic; a nonce must never be reused with the same key pair,
   * so outside of test vectors use {@link #seal(byte[], X25519PublicKey, X25519SecretKey)}.
   */
  public static SealedEnvelope seal(
      byte[] plaintext, byte[] nonce, X25519PublicKey recipient, X25519SecretKey sender) {
    Objects.requireNonNull(plaintext, "plaintext == null");
    checkNonce(nonce);
    byte[] ciphertext = new byte[plaintext.length + SealedEnvelope.MAC_LENGTH];
    if (NativeSodium.get()
            .crypto_box_easy(ciphertext, plaintext, plaintext.length, nonce, recipient.raw(), sender.raw())
        != 0) {
      throw new IllegalArgumentException("crypto_box_easy refused the keys (weak public key?)");
    }
    return new SealedEnvelope(nonce.clone(), ciphertext);
  }

  /**
   * Opens an envelope sealed by {@code sender} for {@code recipient}.
   *
   * @throws DecryptionFailedException if it does not authenticate under these keys
   */
  public static byte[] open(SealedEnvelope envelope, X25519PublicKey sender, X25519SecretKey recipient)
      throws DecryptionFailedException {
    byte[] ciphertext = envelope.ciphertext();
    byte[] plaintext = new byte[ciphertext.length - SealedEnvelope.MAC_LENGTH];
    if (NativeSodium.get()
            .crypto_box_open_easy(plaintext, ciphertext, ciphertext.length, envelope.nonce(), sender.raw(), recipient.raw())
        != 0) {
      throw new DecryptionFailedException(
          "box did not authenticate for recipient " + recipient.publicKey().hex());
    }
    return plaintext;
  }

  static void checkNonce(byte[] nonce) {
    Objects.requireNonNull(nonce, "nonce == null");
    if (nonce.length != SealedEnvelope.NONCE_LENGTH) {
      throw new IllegalArgumentException("nonce must be 24 bytes, got " + nonce.length);
    }
  }
}
