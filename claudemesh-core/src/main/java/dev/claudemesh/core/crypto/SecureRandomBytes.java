package dev.claudemesh.core.crypto;

/** Random bytes from libsodium's CSPRNG ({@code randombytes_buf}). */
public final class SecureRandomBytes {
  private SecureRandomBytes() {}

  public static byte[] next(int length) {
    if (length < 0) {
      throw new IllegalArgumentException("length < 0: " + length);
    }
    byte[] out = new byte[length];
    NativeSodium.get().randombytes_buf(out, length);
    return out;
  }
}
