package dev.claudemesh.core.jcs;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * RFC 8785 JSON Canonicalization Scheme.
 *
 * <p>Text input is parsed strictly (I-JSON: no duplicate names, no lone surrogates, only finite
 * numbers) and rewritten canonically. An in-memory value tree (maps, lists, strings, numbers,
 * booleans, null — what Moshi produces) can be canonicalized directly, so a {@code meta} object
 * taken from an HTTP body is fingerprinted without being serialized first.
 *
 * <p>All methods are thread-safe and throw {@link JcsException} for anything that cannot be
 * canonicalized; {@link JcsException#getMessage()} names the problem and its location.
 */
public final class Jcs {
  private Jcs() {}

  /** Canonicalizes a UTF-8 JSON document; returns the canonical UTF-8 bytes. */
  public static byte[] canonicalize(byte[] utf8Json) {
    Objects.requireNonNull(utf8Json, "utf8Json == null");
    return write(parse(utf8Json), utf8Json.length).getBytes(StandardCharsets.UTF_8);
  }

  /** Canonicalizes a JSON document given as text; returns the canonical text. */
  public static String canonicalize(String json) {
    Objects.requireNonNull(json, "json == null");
    return write(parse(json), json.length());
  }

  /**
   * Canonicalizes an in-memory value: {@code Map<String, ?>}, {@code List<?>}, {@code
   * CharSequence}, {@code Number}, {@code Boolean} or {@code null}, nested to any depth up to
   * {@value JcsParser#MAX_DEPTH}. Numbers are taken as their {@code double} value, as JavaScript
   * would.
   */
  public static String canonicalizeValue(@Nullable Object value) {
    return write(value, 64);
  }

  private static String write(@Nullable Object value, int expectedLength) {
    StringBuilder out = new StringBuilder(expectedLength + 16);
    new JcsWriter(out).writeRoot(value);
    return out.toString();
  }

  /**
   * Parses a UTF-8 JSON document strictly into an immutable value tree: objects are {@code
   * Map<String, Object>} already in canonical key order, arrays {@code List<Object>}, numbers
   * {@link Double}, plus {@link String}, {@link Boolean} and {@code null}.
   */
  public static @Nullable Object parse(byte[] utf8Json) {
    Objects.requireNonNull(utf8Json, "utf8Json == null");
    return JcsParser.parse(JcsParser.decodeUtf8(utf8Json));
  }

  /** Parses JSON text strictly; see {@link #parse(byte[])} for the result types. */
  public static @Nullable Object parse(String json) {
    Objects.requireNonNull(json, "json == null");
    return JcsParser.parse(json);
  }
}
