package dev.claudemesh.core.identity;

import dev.claudemesh.core.crypto.Box;
import dev.claudemesh.core.crypto.DecryptionFailedException;
import dev.claudemesh.core.crypto.SealedEnvelope;
import dev.claudemesh.core.crypto.X25519PublicKey;
import dev.claudemesh.core.crypto.X25519SecretKey;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Opens inbound DMs with the current key, then with archived keys still in their grace period
 * (SPEC §2.5). Counts {@code decrypt_archived} (opened with an archived key) and {@code
 * decrypt_stale} (sealed to an archived key whose grace has ended: refused, counted, so the
 * operator can see senders still using an old key). Thread-safe.
 */
public final class DmKeyRing {
  /** Which key opened a DM. */
  public enum KeySource {
    CURRENT,
    ARCHIVED
  }

  /** A decrypted DM and the key that opened it. */
  public static final class Opened {
    private final byte[] plaintext;
    private final KeySource source;

    Opened(byte[] plaintext, KeySource source) {
      this.plaintext = plaintext;
      this.source = source;
    }

    public byte[] plaintext() {
      return plaintext.clone();
    }

    public KeySource source() {
      return source;
    }

    @Override
    public String toString() {
      return "Opened{" + source + ", " + plaintext.length + " bytes}";
    }
  }

  private final Supplier<X25519SecretKey> current;
  private final KeyArchive archive;
  private static final int SHARED_KEY_CACHE = 1024;
  private final java.util.concurrent.ConcurrentHashMap<X25519PublicKey, Box.SharedKey> sharedKeys =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final AtomicLong decryptArchived = new AtomicLong();
  private final AtomicLong decryptStale = new AtomicLong();

  public DmKeyRing(Supplier<X25519SecretKey> current, KeyArchive archive) {
    this.current = Objects.requireNonNull(current, "current == null");
    this.archive = Objects.requireNonNull(archive, "archive == null");
  }

  /**
   * Opens a DM from {@code sender}.
   *
   * @throws DecryptionFailedException if neither the current key nor an archived key in grace
   *     opens it
   */
  public Opened open(SealedEnvelope envelope, X25519PublicKey sender) throws DecryptionFailedException {
    byte[] plaintext = tryOpenCurrent(envelope, sender, current.get());
    if (plaintext != null) {
      return new Opened(plaintext, KeySource.CURRENT);
    }
    for (ArchivedKey key : archive.activeKeys()) {
      plaintext = tryOpen(envelope, sender, key.x25519SecretKey());
      if (plaintext != null) {
        decryptArchived.incrementAndGet();
        return new Opened(plaintext, KeySource.ARCHIVED);
      }
    }
    for (ArchivedKey key : archive.expiredKeys()) {
      if (tryOpen(envelope, sender, key.x25519SecretKey()) != null) {
        decryptStale.incrementAndGet();
        throw new DecryptionFailedException(
            "DM sealed to rotated-out key " + key.keyId() + " whose grace period ended at " + key.expiresAt());
      }
    }
    throw new DecryptionFailedException("DM does not open with the current key or any archived key");
  }

  /**
   * Opens with the current key through a precomputed shared key per sender ({@code
   * crypto_box_beforenm} once per sender, not per DM); a rotated current key gets fresh ones.
   */
  private byte @Nullable [] tryOpenCurrent(SealedEnvelope envelope, X25519PublicKey sender, X25519SecretKey key) {
    Box.SharedKey shared = sharedKeys.get(sender);
    if (shared == null || !shared.sender().equals(key.publicKey())) {
      try {
        shared = Box.precompute(sender, key);
      } catch (IllegalArgumentException unusable) { // a weak key: the plain path reports it the usual way
        return tryOpen(envelope, sender, key);
      }
      if (sharedKeys.size() >= SHARED_KEY_CACHE) {
        sharedKeys.clear();
      }
      sharedKeys.put(sender, shared);
    }
    try {
      return shared.open(envelope);
    } catch (DecryptionFailedException e) {
      return null;
    }
  }

  private static byte @Nullable [] tryOpen(SealedEnvelope envelope, X25519PublicKey sender, X25519SecretKey key) {
    try {
      return Box.open(envelope, sender, key);
    } catch (DecryptionFailedException e) {
      return null;
    }
  }

  public long decryptArchivedCount() {
    return decryptArchived.get();
  }

  public long decryptStaleCount() {
    return decryptStale.get();
  }
}
