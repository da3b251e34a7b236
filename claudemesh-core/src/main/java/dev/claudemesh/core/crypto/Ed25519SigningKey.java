package dev.claudemesh.core.crypto;

import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A member's ed25519 signing key: libsodium's 64-byte secret (seed ‖ public key). Immutable and
 * thread-safe. {@code toString()} shows only the public key; the secret leaves this object only
 * through methods named {@code insecure…}, for writing {@code keypair.json}.
 */
public final class Ed25519SigningKey {
  public static final int SEED_LENGTH = 32;
  public static final int SECRET_LENGTH = 64;
  public static final int SIGNATURE_LENGTH = 64;

  private final byte[] secret;
  private final Ed25519PublicKey publicKey;

  private Ed25519SigningKey(byte[] secret, Ed25519PublicKey publicKey) {
    this.secret = secret;
    this.publicKey = publicKey;
  }

  /** A fresh key from libsodium's random generator. */
  public static Ed25519SigningKey generate() {
    return fromSeed(SecureRandomBytes.next(SEED_LENGTH));
  }

  /** The key {@code crypto_sign_seed_keypair} derives from a 32-byte seed. */
  public static Ed25519SigningKey fromSeed(byte[] seed) {
    Objects.requireNonNull(seed, "seed == null");
    if (seed.length != SEED_LENGTH) {
      throw new IllegalArgumentException("an ed25519 seed is 32 bytes, got " + seed.length);
    }
    byte[] pub = new byte[Ed25519PublicKey.LENGTH];
    byte[] secret = new byte[SECRET_LENGTH];
    if (NativeSodium.get().crypto_sign_seed_keypair(pub, secret, seed.clone()) != 0) {
      throw new IllegalStateException("crypto_sign_seed_keypair failed");
    }
    return new Ed25519SigningKey(secret, Ed25519PublicKey.wrap(pub));
  }

  /**
   * Reads libsodium's 64-byte secret key from 128 hex characters (the form of the original
   * claudemesh CLI and {@code keypair.json}).
   *
   * @throws IllegalArgumentException if it is not 64 bytes of hex, or its second half is not the
   *     public key its seed derives
   */
  public static Ed25519SigningKey fromInsecureSecretHex(String hex) {
    Objects.requireNonNull(hex, "hex == null");
    byte[] secret = Codec.fromHex(hex, SECRET_LENGTH, "ed25519 secret key");
    Ed25519SigningKey key = fromSeed(Arrays.copyOf(secret, SEED_LENGTH));
    if (!MessageDigest.isEqual(key.secret, secret)) {
      throw new IllegalArgumentException(
          "ed25519 secret key is inconsistent: its public half does not match its seed");
    }
    return key;
  }

  public Ed25519PublicKey publicKey() {
    return publicKey;
  }

  /** The 64-byte detached signature of {@code message}. */
  public byte[] sign(byte[] message) {
    Objects.requireNonNull(message, "message == null");
    byte[] signature = new byte[SIGNATURE_LENGTH];
    if (NativeSodium.get().crypto_sign_detached(signature, Pointer.NULL, message, message.length, secret) != 0) {
      throw new IllegalStateException("crypto_sign_detached failed");
    }
    return signature;
  }

  /** The signature of the UTF-8 bytes of {@code message}, as 128 lowercase hex characters. */
  public String signHex(String message) {
    Objects.requireNonNull(message, "message == null");
    return Codec.hex(sign(message.getBytes(StandardCharsets.UTF_8)));
  }

  /** The X25519 secret key {@code crypto_sign_ed25519_sk_to_curve25519} derives. */
  public X25519SecretKey toX25519() {
    byte[] out = new byte[X25519SecretKey.LENGTH];
    if (NativeSodium.get().crypto_sign_ed25519_sk_to_curve25519(out, secret) != 0) {
      throw new IllegalStateException("crypto_sign_ed25519_sk_to_curve25519 failed");
    }
    return X25519SecretKey.wrap(out);
  }

  /** The 64-byte secret as 128 hex characters, for the key file. Never log it. */
  public String insecureSecretHex() {
    return Codec.hex(secret);
  }

  /** The 32-byte seed as 64 hex characters. Never log it. */
  public String insecureSeedHex() {
    return Codec.hex(Arrays.copyOf(secret, SEED_LENGTH));
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Ed25519SigningKey && MessageDigest.isEqual(secret, ((Ed25519SigningKey) o).secret);
  }

  @Override
  public int hashCode() {
    return publicKey.hashCode();
  }

  @Override
  public String toString() {
    return "Ed25519SigningKey{public=" + publicKey.hex() + "}";
  }
}
