package dev.claudemesh.core.fingerprint;

import dev.claudemesh.core.jcs.Jcs;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The 32-byte request fingerprint of SPEC §4.3:
 *
 * <pre>
 * sha256( envelope_version 0x00 destination_kind 0x00 destination_ref 0x00
 *         reply_to_id_or_empty 0x00 priority 0x00 meta_jcs_or_empty 0x00 body_sha256_hex )
 * </pre>
 *
 * <p>All parts are UTF-8; {@code meta_jcs} is the RFC 8785 form of meta (empty for null or {@code
 * {}}); {@code body_sha256_hex} is the lowercase hex SHA-256 of the body's UTF-8 bytes. Computed
 * once when a send is accepted and stored; never recomputed from a payload. Immutable.
 */
public final class RequestFingerprint {
  /** Length of a fingerprint in bytes. */
  public static final int LENGTH = 32;

  /** Bytes shown by {@link #prefixHex()}, as in {@code daemon_fingerprint_prefix}. */
  public static final int PREFIX_LENGTH = 8;

  private static final HexFormat HEX = HexFormat.of();

  private final byte[] bytes;

  private RequestFingerprint(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * Computes the fingerprint of {@code request}.
   *
   * @throws dev.claudemesh.core.jcs.JcsException if meta cannot be canonicalized
   * @throws IllegalArgumentException if the body or another field is not valid Unicode
   */
  public static RequestFingerprint of(FingerprintRequest request) {
    Objects.requireNonNull(request, "request == null");
    MessageDigest bodyDigest = sha256();
    String bodyHex = HEX.formatHex(bodyDigest.digest(utf8("body", request.body())));

    MessageDigest digest = sha256();
    update(digest, "envelope_version", request.envelopeVersion());
    update(digest, "destination_kind", request.destinationKind().wireName());
    update(digest, "destination_ref", request.destinationRef());
    String replyTo = request.replyToId();
    update(digest, "reply_to_id", replyTo == null ? "" : replyTo);
    update(digest, "priority", request.priority().wireName());
    update(digest, "meta", metaJcs(request.meta()));
    digest.update(bodyHex.getBytes(StandardCharsets.US_ASCII));
    return new RequestFingerprint(digest.digest());
  }

  /**
   * Wraps 32 stored bytes (for example read back from the outbox).
   *
   * @throws IllegalArgumentException if there are not exactly 32
   */
  public static RequestFingerprint fromBytes(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes == null");
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException(
          "a request fingerprint has " + LENGTH + " bytes, got " + bytes.length);
    }
    return new RequestFingerprint(bytes.clone());
  }

  /**
   * Parses 64 hex characters (either case), as sent in {@code request_fingerprint}.
   *
   * @throws IllegalArgumentException if the text is not 64 hex characters
   */
  public static RequestFingerprint fromHex(String hex) {
    Objects.requireNonNull(hex, "hex == null");
    if (hex.length() != 2 * LENGTH) {
      throw new IllegalArgumentException(
          "a request fingerprint is " + 2 * LENGTH + " hex characters, got " + hex.length());
    }
    return new RequestFingerprint(HEX.parseHex(hex));
  }

  /** The meta part: RFC 8785 text, or empty for absent, null or an empty object. */
  static String metaJcs(@Nullable Map<String, ?> meta) {
    return meta == null || meta.isEmpty() ? "" : Jcs.canonicalizeValue(meta);
  }

  /** A copy of the 32 bytes. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** 64 lowercase hex characters. */
  public String hex() {
    return HEX.formatHex(bytes);
  }

  /** The first 8 bytes as 16 lowercase hex characters. */
  public String prefixHex() {
    return HEX.formatHex(bytes, 0, PREFIX_LENGTH);
  }

  /** Constant-time comparison with another fingerprint's bytes. */
  public boolean matches(RequestFingerprint other) {
    return MessageDigest.isEqual(bytes, other.bytes);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof RequestFingerprint && Arrays.equals(bytes, ((RequestFingerprint) o).bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return hex();
  }

  private static void update(MessageDigest digest, String field, String value) {
    digest.update(utf8(field, value));
    digest.update((byte) 0);
  }

  private static byte[] utf8(String field, String value) {
    CharsetEncoder encoder =
        StandardCharsets.UTF_8
            .newEncoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      java.nio.ByteBuffer encoded = encoder.encode(java.nio.CharBuffer.wrap(value));
      byte[] out = new byte[encoded.remaining()];
      encoded.get(out);
      return out;
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(field + " is not valid Unicode (lone surrogate)", e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e); // required by the JCA
    }
  }
}
