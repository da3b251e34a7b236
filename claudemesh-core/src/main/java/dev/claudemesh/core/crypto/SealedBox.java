package dev.claudemesh.core.crypto;

import java.util.Objects;

/**
 * libsodium {@code crypto_box_seal}: anonymous encryption to a recipient's X25519 key (an
 * ephemeral sender key, so the result is different every time).
 */
public final class SealedBox {
  /** Bytes a sealed box adds: the ephemeral public key and the MAC. */
  public static final int OVERHEAD = 32 + 16;

  private SealedBox() {}

  public static byte[] seal(byte[] plaintext, X25519PublicKey recipient) {
    Objects.requireNonNull(plaintext, "plaintext == null");
    byte[] sealed = new byte[plaintext.length + OVERHEAD];
    if (NativeSodium.get().crypto_box_seal(sealed, plaintext, plaintext.length, recipient.raw()) != 0) {
      throw new IllegalArgumentException("crypto_box_seal refused the recipient key");
    }
    return sealed;
  }

  /**
   * Opens a sealed box addressed to {@code recipient}.
   *
   * @throws DecryptionFailedException if it is not for this key or was altered
   */
  public static byte[] open(byte[] sealed, X25519SecretKey recipient) throws DecryptionFailedException {
    Objects.requireNonNull(sealed, "sealed == null");
    if (sealed.length < OVERHEAD) {
      throw new DecryptionFailedException("sealed box is shorter than its 48-byte overhead");
    }
    byte[] plaintext = new byte[sealed.length - OVERHEAD];
    if (NativeSodium.get()
            .crypto_box_seal_open(plaintext, sealed, sealed.length, recipient.publicKey().raw(), recipient.raw())
        != 0) {
      throw new DecryptionFailedException(
          "sealed box did not open for recipient " + recipient.publicKey().hex());
    }
    return plaintext;
  }
}
