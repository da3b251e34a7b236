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

  /**
   * Precomputes the shared key of {@code crypto_box_beforenm} for one sender and recipient, so
   * many DMs between them skip the X25519 scalar multiplication. {@code crypto_box_easy} is
   * defined as {@code beforenm} followed by {@code easy_afternm}, so the bytes are the same.
   */
  public static SharedKey precompute(X25519PublicKey recipient, X25519SecretKey sender) {
    Objects.requireNonNull(recipient, "recipient == null");
    Objects.requireNonNull(sender, "sender == null");
    byte[] shared = new byte[SharedKey.LENGTH];
    if (NativeSodium.get().crypto_box_beforenm(shared, recipient.raw(), sender.raw()) != 0) {
      throw new IllegalArgumentException("crypto_box_beforenm refused the keys (weak public key?)");
    }
    return new SharedKey(shared, recipient, sender.publicKey());
  }

  /**
   * The precomputed key of one (sender, recipient) pair. It is as secret as either secret key:
   * {@code toString()} names only the public keys.
   */
  public static final class SharedKey {
    static final int LENGTH = 32;

    private final byte[] shared;
    private final X25519PublicKey recipient;
    private final X25519PublicKey sender;

    private SharedKey(byte[] shared, X25519PublicKey recipient, X25519PublicKey sender) {
      this.shared = shared;
      this.recipient = recipient;
      this.sender = sender;
    }

    /** The public key of the secret key this was computed with. */
    public X25519PublicKey sender() {
      return sender;
    }

    public X25519PublicKey recipient() {
      return recipient;
    }

    /** Seals {@code plaintext} with a fresh random 24-byte nonce, as {@link Box#seal(byte[], X25519PublicKey, X25519SecretKey)}. */
    public SealedEnvelope seal(byte[] plaintext) {
      return seal(plaintext, SecureRandomBytes.next(SealedEnvelope.NONCE_LENGTH));
    }

    /** Seals with the given nonce; deterministic, for test vectors only (see {@link Box#seal(byte[], byte[], X25519PublicKey, X25519SecretKey)}). */
    public SealedEnvelope seal(byte[] plaintext, byte[] nonce) {
      Objects.requireNonNull(plaintext, "plaintext == null");
      checkNonce(nonce);
      byte[] ciphertext = new byte[plaintext.length + SealedEnvelope.MAC_LENGTH];
      if (NativeSodium.get().crypto_box_easy_afternm(ciphertext, plaintext, plaintext.length, nonce, shared) != 0) {
        throw new IllegalStateException("crypto_box_easy_afternm failed");
      }
      return new SealedEnvelope(nonce.clone(), ciphertext);
    }

    /**
     * Opens an envelope sealed between the same two keys (in either direction).
     *
     * @throws DecryptionFailedException if it does not authenticate under this key
     */
    public byte[] open(SealedEnvelope envelope) throws DecryptionFailedException {
      byte[] ciphertext = envelope.ciphertext();
      byte[] plaintext = new byte[ciphertext.length - SealedEnvelope.MAC_LENGTH];
      if (NativeSodium.get().crypto_box_open_easy_afternm(plaintext, ciphertext, ciphertext.length, envelope.nonce(),
          shared) != 0) {
        throw new DecryptionFailedException("box did not authenticate under the shared key of " + sender.hex()
            + " and " + recipient.hex());
      }
      return plaintext;
    }

    @Override
    public String toString() {
      return "Box.SharedKey{sender=" + sender.hex() + ", recipient=" + recipient.hex() + "}";
    }
  }

  static void checkNonce(byte[] nonce) {
    Objects.requireNonNull(nonce, "nonce == null");
    if (nonce.length != SealedEnvelope.NONCE_LENGTH) {
      throw new IllegalArgumentException("nonce must be 24 bytes, got " + nonce.length);
    }
  }
}
