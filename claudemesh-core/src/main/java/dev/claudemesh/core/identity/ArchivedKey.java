package dev.claudemesh.core.identity;

import dev.claudemesh.core.crypto.Ed25519PublicKey;
import dev.claudemesh.core.crypto.X25519SecretKey;
import java.time.Instant;

/** One rotated-out key in {@code keypair-archive.json}; {@code toString()} hides the secret. */
public final class ArchivedKey {
  private final String keyId;
  private final Ed25519PublicKey ed25519PublicKey;
  private final X25519SecretKey x25519SecretKey;
  private final Instant createdAt;
  private final Instant rotatedOutAt;
  private final Instant expiresAt;

  ArchivedKey(String keyId, Ed25519PublicKey ed25519PublicKey, X25519SecretKey x25519SecretKey,
      Instant createdAt, Instant rotatedOutAt, Instant expiresAt) {
    this.keyId = keyId;
    this.ed25519PublicKey = ed25519PublicKey;
    this.x25519SecretKey = x25519SecretKey;
    this.createdAt = createdAt;
    this.rotatedOutAt = rotatedOutAt;
    this.expiresAt = expiresAt;
  }

  public String keyId() {
    return keyId;
  }

  public Ed25519PublicKey ed25519PublicKey() {
    return ed25519PublicKey;
  }

  public X25519SecretKey x25519SecretKey() {
    return x25519SecretKey;
  }

  public Instant createdAt() {
    return createdAt;
  }

  public Instant rotatedOutAt() {
    return rotatedOutAt;
  }

  public Instant expiresAt() {
    return expiresAt;
  }

  boolean expiredAt(Instant now) {
    return !now.isBefore(expiresAt);
  }

  ArchivedKey expiringAt(Instant when) {
    return new ArchivedKey(keyId, ed25519PublicKey, x25519SecretKey, createdAt, rotatedOutAt, when);
  }

  @Override
  public String toString() {
    return "ArchivedKey{keyId=" + keyId + ", ed25519=" + ed25519PublicKey.hex() + ", expiresAt=" + expiresAt + "}";
  }
}
