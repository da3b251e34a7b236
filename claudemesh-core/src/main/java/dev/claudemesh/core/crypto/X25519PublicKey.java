package dev.claudemesh.core.crypto;

import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** A 32-byte X25519 public key, the box key of a member (converted from its ed25519 key). */
public final class X25519PublicKey {
  public static final int LENGTH = 32;

  private final byte[] bytes;

  private X25519PublicKey(byte[] bytes) {
    this.bytes = bytes;
  }

  static X25519PublicKey wrap(byte[] bytes) {
    return new X25519PublicKey(bytes);
  }

  /** Parses 64 hex characters. */
  public static X25519PublicKey fromHex(String hex) {
    Objects.requireNonNull(hex, "hex == null");
    return new X25519PublicKey(Codec.fromHex(hex, LENGTH, "x25519 public key"));
  }

  byte[] raw() {
    return bytes;
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  public String hex() {
    return Codec.hex(bytes);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof X25519PublicKey && Arrays.equals(bytes, ((X25519PublicKey) o).bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "X25519PublicKey{" + hex() + "}";
  }
}
