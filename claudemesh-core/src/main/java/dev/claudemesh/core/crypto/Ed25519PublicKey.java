package dev.claudemesh.core.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** A member's 32-byte ed25519 public key: its identity on the mesh, 64 hex on the wire. */
public final class Ed25519PublicKey {
  public static final int LENGTH = 32;

  private final byte[] bytes;

  private Ed25519PublicKey(byte[] bytes) {
    this.bytes = bytes;
  }

  static Ed25519PublicKey wrap(byte[] bytes) {
    return new Ed25519PublicKey(bytes);
  }

  /**
   * Parses 64 hex characters (either case).
   *
   * @throws IllegalArgumentException if it is not 32 bytes of hex
   */
  public static Ed25519PublicKey fromHex(String hex) {
    Objects.requireNonNull(hex, "hex == null");
    return new Ed25519PublicKey(Codec.fromHex(hex, LENGTH, "ed25519 public key"));
  }

  /** Whether {@code signature} (64 bytes) is this key's detached signature of {@code message}. */
  public boolean verify(byte[] message, byte[] signature) {
    Objects.requireNonNull(message, "message == null");
    Objects.requireNonNull(signature, "signature == null");
    if (signature.length != Ed25519SigningKey.SIGNATURE_LENGTH) {
      return false;
    }
    return NativeSodium.get().crypto_sign_verify_detached(signature, message, message.length, bytes) == 0;
  }

  /** Whether {@code signatureHex} is this key's signature of the UTF-8 bytes of {@code message}. */
  public boolean verifyHex(String message, String signatureHex) {
    Objects.requireNonNull(signatureHex, "signatureHex == null");
    byte[] signature;
    try {
      signature = Codec.fromHex(signatureHex, Ed25519SigningKey.SIGNATURE_LENGTH, "signature");
    } catch (IllegalArgumentException e) {
      return false;
    }
    return verify(message.getBytes(StandardCharsets.UTF_8), signature);
  }

  /**
   * The X25519 key libsodium's {@code crypto_sign_ed25519_pk_to_curve25519} derives, used to box
   * DMs to this member.
   *
   * @throws IllegalArgumentException if the bytes are not a usable ed25519 point
   */
  public X25519PublicKey toX25519() {
    byte[] out = new byte[X25519PublicKey.LENGTH];
    if (NativeSodium.get().crypto_sign_ed25519_pk_to_curve25519(out, bytes) != 0) {
      throw new IllegalArgumentException("not a valid ed25519 public key: " + hex());
    }
    return X25519PublicKey.wrap(out);
  }

  byte[] raw() {
    return bytes;
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  /** 64 lowercase hex characters. */
  public String hex() {
    return Codec.hex(bytes);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Ed25519PublicKey && Arrays.equals(bytes, ((Ed25519PublicKey) o).bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "Ed25519PublicKey{" + hex() + "}";
  }
}
