package dev.claudemesh.core.crypto;

import com.sun.jna.NativeLong;
import java.util.Objects;

/** Password-based key derivation with libsodium's {@code crypto_pwhash} (Argon2id v1.3). */
public final class Argon2id {
  public static final int SALT_LENGTH = 16;
  private static final int ALG_ARGON2ID13 = 2;

  /** Cost presets, as libsodium names them. */
  public enum Cost {
    /** 2 passes, 64 MiB: for keys derived while a user waits. */
    INTERACTIVE(2, 64L << 20),
    /** 3 passes, 256 MiB: for backups. */
    MODERATE(3, 256L << 20);

    final long opsLimit;
    final long memLimit;

    Cost(long opsLimit, long memLimit) {
      this.opsLimit = opsLimit;
      this.memLimit = memLimit;
    }
  }

  private Argon2id() {}

  /**
   * Derives {@code length} bytes from a password and a 16-byte salt.
   *
   * @throws IllegalStateException if libsodium cannot get the memory the cost needs
   */
  public static byte[] deriveKey(byte[] password, byte[] salt, int length, Cost cost) {
    Objects.requireNonNull(password, "password == null");
    Objects.requireNonNull(salt, "salt == null");
    Objects.requireNonNull(cost, "cost == null");
    if (salt.length != SALT_LENGTH) {
      throw new IllegalArgumentException("an Argon2id salt is 16 bytes, got " + salt.length);
    }
    if (length < 16) {
      throw new IllegalArgumentException("derived key length must be at least 16, got " + length);
    }
    byte[] out = new byte[length];
    int rc = NativeSodium.get().crypto_pwhash(
        out, length, password, password.length, salt, cost.opsLimit, new NativeLong(cost.memLimit), ALG_ARGON2ID13);
    if (rc != 0) {
      throw new IllegalStateException("crypto_pwhash failed (out of memory for cost " + cost + "?)");
    }
    return out;
  }
}
