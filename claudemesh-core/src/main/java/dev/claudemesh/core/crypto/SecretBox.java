package dev.claudemesh.core.crypto;

import java.util.Objects;

/** libsodium {@code crypto_secretbox_easy} (XSalsa20-Poly1305) under a 32-byte key. */
public final class SecretBox {
  public static final int KEY_LENGTH = 32;

  private SecretBox() {}

  /** Encrypts with a fresh random nonce. */
  public static SealedEnvelope encrypt(byte[] plaintext, byte[] key) {
    return encrypt(plaintext, SecureRandomBytes.next(SealedEnvelope.NONCE_LENGTH), key);
  }

  /** Encrypts with the given nonce (never reuse one under the same key). */
  public static SealedEnvelope encrypt(byte[] plaintext, byte[] nonce, byte[] key) {
    Objects.requireNonNull(plaintext, "plaintext == null");
    Box.checkNonce(nonce);
    checkKey(key);
    byte[] ciphertext = new byte[plaintext.length + SealedEnvelope.MAC_LENGTH];
    if (NativeSodium.get().crypto_secretbox_easy(ciphertext, plaintext, plaintext.length, nonce, key) != 0) {
      throw new IllegalStateException("crypto_secretbox_easy failed");
    }
    return new SealedEnvelope(nonce.clone(), ciphertext);
  }

  /**
   * Decrypts and authenticates.
   *
   * @throws DecryptionFailedException if the key is wrong or the data was altered
   */
  public static byte[] decrypt(SealedEnvelope envelope, byte[] key) throws DecryptionFailedException {
    checkKey(key);
    byte[] ciphertext = envelope.ciphertext();
    byte[] plaintext = new byte[ciphertext.length - SealedEnvelope.MAC_LENGTH];
    if (NativeSodium.get()
            .crypto_secretbox_open_easy(plaintext, ciphertext, ciphertext.length, envelope.nonce(), key)
        != 0) {
      throw new DecryptionFailedException("secretbox did not authenticate under this key");
    }
    return plaintext;
  }

  private static void checkKey(byte[] key) {
    Objects.requireNonNull(key, "key == null");
    if (key.length != KEY_LENGTH) {
      throw new IllegalArgumentException("a secretbox key is 32 bytes, got " + key.length);
    }
  }
}
