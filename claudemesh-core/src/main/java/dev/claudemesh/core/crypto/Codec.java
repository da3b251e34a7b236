package dev.claudemesh.core.crypto;

import java.util.Base64;
import java.util.HexFormat;

/** Hex and base64 in the wire forms: lowercase hex, standard base64 with padding. */
final class Codec {
  private static final HexFormat HEX = HexFormat.of();

  private Codec() {}

  static String hex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  /** Parses hex of exactly {@code length} bytes; {@code what} names the value in the error. */
  static byte[] fromHex(String hex, int length, String what) {
    if (hex.length() != 2 * length) {
      throw new IllegalArgumentException(
          what + " must be " + 2 * length + " hex characters, got " + hex.length());
    }
    try {
      return HEX.parseHex(hex);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " is not hex", e);
    }
  }

  static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  static byte[] fromBase64(String base64, String what) {
    try {
      return Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " is not standard base64", e);
    }
  }
}
