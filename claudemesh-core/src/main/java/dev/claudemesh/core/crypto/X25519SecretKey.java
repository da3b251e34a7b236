package dev.claudemesh.core.crypto;

import java.security.MessageDigest;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A 32-byte X25519 secret key with its public key. {@code toString()} shows only the public key.
 */
public final class X25519SecretKey {
  public static final int LENGTH = 32;

  private final byte[] secret;
  private final X25519PublicKey publicKey;

  private X25519SecretKey(byte[] secret, X25519PublicKey publicKey) {
    this.secret = secret;
    this.publicKey = publicKey;
  }

  static X25519SecretKey wrap(byte[] secret) {
    byte[] pub = new byte[X25519PublicKey.LENGTH];
    if (NativeSodium.get().crypto_scalarmult_base(pub, secret) != 0) {
      throw new IllegalArgumentException("x25519 secret key is not usable");
    }
    return new X25519SecretKey(secret, X25519PublicKey.wrap(pub));
  }

  /**
   * Reads a secret key from 64 hex characters, as stored in {@code keypair-archive.json}.
   *
   * @throws IllegalArgumentException if it is not 32 bytes of hex
   */
  public static X25519SecretKey fromInsecureHex(String hex) {
    Objects.requireNonNull(hex, "hex == null");
    return wrap(Codec.fromHex(hex, LENGTH, "x25519 secret key"));
  }

  public X25519PublicKey publicKey() {
    return publicKey;
  }

  byte[] raw() {
    return secret;
  }

  /** The secret as hex, for writing the key archive. Never log it. */
  public String insecureSecretHex() {
    return Codec.hex(secret);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof X25519SecretKey && MessageDigest.isEqual(secret, ((X25519SecretKey) o).secret);
  }

  @Override
  public int hashCode() {
    return publicKey.hashCode();
  }

  @Override
  public String toString() {
    return "X25519SecretKey{public=" + publicKey.hex() + "}";
  }
}
