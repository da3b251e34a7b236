package dev.claudemesh.client.internal;

import java.security.SecureRandom;

/**
 * Mints ULIDs (26 characters of Crockford base32: 48 bits of epoch milliseconds, then 80 random
 * bits), the client's default {@code Idempotency-Key}. Sortable by time, unique without
 * coordination.
 */
public final class Ulid {
  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ulid() {}

  public static String mint() {
    return of(System.currentTimeMillis(), RANDOM);
  }

  static String of(long epochMillis, java.util.Random random) {
    byte[] entropy = new byte[10];
    random.nextBytes(entropy);
    char[] out = new char[26];
    long time = epochMillis & 0xFFFF_FFFF_FFFFL;
    for (int i = 9; i >= 0; i--) {
      out[i] = ALPHABET[(int) (time & 31)];
      time >>>= 5;
    }
    // 80 random bits as 16 characters of 5 bits
    long hi = 0;
    for (int i = 0; i < 5; i++) {
      hi = (hi << 8) | (entropy[i] & 0xff);
    }
    long lo = 0;
    for (int i = 5; i < 10; i++) {
      lo = (lo << 8) | (entropy[i] & 0xff);
    }
    for (int i = 17; i >= 10; i--) {
      out[i] = ALPHABET[(int) (hi & 31)];
      hi >>>= 5;
    }
    for (int i = 25; i >= 18; i--) {
      out[i] = ALPHABET[(int) (lo & 31)];
      lo >>>= 5;
    }
    return new String(out);
  }
}
