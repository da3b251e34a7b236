package dev.claudemesh.core.crypto;

import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A {@code crypto_box_easy} result: the 24-byte nonce and the ciphertext (plaintext + 16-byte
 * MAC), as carried in a {@code send}'s {@code nonce} and {@code ciphertext} (base64). Persisted
 * once per DM so every retry sends identical bytes. {@code toString()} shows only sizes.
 */
public final class SealedEnvelope {
  public static final int NONCE_LENGTH = 24;
  public static final int MAC_LENGTH = 16;

  private final byte[] nonce;
  private final byte[] ciphertext;

  SealedEnvelope(byte[] nonce, byte[] ciphertext) {
    this.nonce = nonce;
    this.ciphertext = ciphertext;
  }

  /**
   * Reads an envelope from its wire form.
   *
   * @throws IllegalArgumentException if either part is not base64, the nonce is not 24 bytes, or
   *     the ciphertext is shorter than a MAC
   */
  public static SealedEnvelope fromBase64(String nonceBase64, String ciphertextBase64) {
    Objects.requireNonNull(nonceBase64, "nonceBase64 == null");
    Objects.requireNonNull(ciphertextBase64, "ciphertextBase64 == null");
    byte[] nonce = Codec.fromBase64(nonceBase64, "nonce");
    if (nonce.length != NONCE_LENGTH) {
      throw new IllegalArgumentException("nonce must be 24 bytes, got " + nonce.length);
    }
    byte[] ciphertext = Codec.fromBase64(ciphertextBase64, "ciphertext");
    if (ciphertext.length < MAC_LENGTH) {
      throw new IllegalArgumentException("ciphertext is shorter than its 16-byte MAC");
    }
    return new SealedEnvelope(nonce, ciphertext);
  }

  public String nonceBase64() {
    return Codec.base64(nonce);
  }

  public String ciphertextBase64() {
    return Codec.base64(ciphertext);
  }

  byte[] nonce() {
    return nonce;
  }

  byte[] ciphertext() {
    return ciphertext;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof SealedEnvelope
        && Arrays.equals(nonce, ((SealedEnvelope) o).nonce)
        && Arrays.equals(ciphertext, ((SealedEnvelope) o).ciphertext);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(nonce) + Arrays.hashCode(ciphertext);
  }

  @Override
  public String toString() {
    return "SealedEnvelope{nonce=24 bytes, ciphertext=" + ciphertext.length + " bytes}";
  }
}
