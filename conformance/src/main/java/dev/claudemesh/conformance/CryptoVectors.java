package dev.claudemesh.conformance;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.claudemesh.core.crypto.Box;
import dev.claudemesh.core.crypto.DecryptionFailedException;
import dev.claudemesh.core.crypto.Ed25519SigningKey;
import dev.claudemesh.core.crypto.SealedBox;
import dev.claudemesh.core.crypto.SealedEnvelope;
import dev.claudemesh.core.crypto.SecretBox;
import dev.claudemesh.core.crypto.SignedStrings;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Checks one crypto fixture file: each vector of the arrays {@code sign}, {@code convert}, {@code
 * box}, {@code hello}, {@code secretbox} and {@code seal} (all optional) in both directions where
 * the primitive is deterministic, and by decryption for {@code seal}. The layout is in the module
 * README.
 */
final class CryptoVectors {
  private static final List<String> ARRAYS = List.of("sign", "convert", "box", "hello", "secretbox", "seal");

  private final VerifyReport report;
  private final String category;

  CryptoVectors(VerifyReport report, String category) {
    this.report = report;
    this.category = category;
  }

  void verify(String fileId, Map<?, ?> document) {
    for (Object key : document.keySet()) {
      if (!ARRAYS.contains(key)) {
        report.note("skipped " + fileId + " \"" + key + "\": unknown crypto array");
      }
    }
    for (String array : ARRAYS) {
      Object list = document.get(array);
      if (list == null) {
        continue;
      }
      if (!(list instanceof List)) {
        report.fail(category, fileId + " \"" + array + "\": not an array");
        continue;
      }
      List<?> vectors = (List<?>) list;
      for (int i = 0; i < vectors.size(); i++) {
        String id = fileId + " " + array + "[" + i + "]";
        try {
          if (!(vectors.get(i) instanceof Map)) {
            throw new IllegalArgumentException("a vector must be an object");
          }
          String problem = check(array, (Map<?, ?>) vectors.get(i));
          if (problem == null) {
            report.pass(category);
          } else {
            report.fail(category, id + ": " + problem);
          }
        } catch (IllegalArgumentException | IllegalStateException e) {
          report.fail(category, id + ": " + e.getMessage());
        } catch (RuntimeException e) {
          report.fail(category, id + ": crashed: " + e);
        }
      }
    }
  }

  /** Null when the vector holds; otherwise what differs. */
  private static @Nullable String check(String array, Map<?, ?> v) {
    switch (array) {
      case "sign":
        return checkSign(v);
      case "convert":
        return checkConvert(v);
      case "box":
        return checkBox(v);
      case "hello":
        return checkHello(v);
      case "secretbox":
        return checkSecretBox(v);
      default:
        return checkSeal(v);
    }
  }

  private static @Nullable String checkSign(Map<?, ?> v) {
    Ed25519SigningKey key = Ed25519SigningKey.fromSeed(hex(v, "seed_hex"));
    byte[] message = string(v, "message_utf8").getBytes(UTF_8);
    String expected = string(v, "signature_hex");
    return firstProblem(
        sameHex("public_hex", string(v, "public_hex"), key.publicKey().hex()),
        sameHex("signature_hex", expected, HexFormat.of().formatHex(key.sign(message))),
        key.publicKey().verify(message, hex(v, "signature_hex")) ? null : "signature_hex does not verify");
  }

  private static @Nullable String checkConvert(Map<?, ?> v) {
    Ed25519SigningKey key = Ed25519SigningKey.fromInsecureSecretHex(string(v, "ed25519_secret_hex"));
    return firstProblem(
        sameHex("ed25519_public_hex", string(v, "ed25519_public_hex"), key.publicKey().hex()),
        sameHex("x25519_public_hex", string(v, "x25519_public_hex"), key.publicKey().toX25519().hex()),
        sameHex("x25519_secret_hex", string(v, "x25519_secret_hex"), key.toX25519().insecureSecretHex()));
  }

  private static @Nullable String checkBox(Map<?, ?> v) {
    Ed25519SigningKey sender = keyPair(v, "sender_ed25519_secret_hex", "sender_ed25519_public_hex");
    Ed25519SigningKey recipient = keyPair(v, "recipient_ed25519_secret_hex", "recipient_ed25519_public_hex");
    byte[] plaintext = string(v, "plaintext_utf8").getBytes(UTF_8);
    byte[] nonce = base64(v, "nonce_b64");
    String expected = string(v, "ciphertext_b64");
    SealedEnvelope sealed = Box.seal(plaintext, nonce, recipient.publicKey().toX25519(), sender.toX25519());
    String opened;
    try {
      opened = Arrays.equals(plaintext, Box.open(SealedEnvelope.fromBase64(string(v, "nonce_b64"), expected),
          sender.publicKey().toX25519(), recipient.toX25519())) ? null : "opened to a different plaintext";
    } catch (DecryptionFailedException e) {
      opened = "ciphertext_b64 does not open: " + e.getMessage();
    }
    // the precomputed path (crypto_box_beforenm + easy_afternm) must give the same bytes
    Box.SharedKey shared = Box.precompute(recipient.publicKey().toX25519(), sender.toX25519());
    String precomputed = shared.seal(plaintext, nonce).ciphertextBase64();
    String openedShared;
    try {
      openedShared = Arrays.equals(plaintext, Box.precompute(sender.publicKey().toX25519(), recipient.toX25519())
          .open(SealedEnvelope.fromBase64(string(v, "nonce_b64"), expected)))
          ? null : "opened with the precomputed key to a different plaintext";
    } catch (DecryptionFailedException e) {
      openedShared = "ciphertext_b64 does not open with the precomputed key: " + e.getMessage();
    }
    return firstProblem(sameText("ciphertext_b64", expected, sealed.ciphertextBase64()), opened,
        sameText("ciphertext_b64 (precomputed)", expected, precomputed), openedShared);
  }

  private static @Nullable String checkHello(Map<?, ?> v) {
    Ed25519SigningKey key = Ed25519SigningKey.fromInsecureSecretHex(string(v, "secret_hex"));
    String meshId = string(v, "mesh_id");
    String memberId = string(v, "member_id");
    long timestamp = integer(v, "timestamp");
    String expected = string(v, "signature_hex");
    return firstProblem(
        sameHex("pubkey", string(v, "pubkey"), key.publicKey().hex()),
        sameHex("signature_hex", expected, SignedStrings.signHello(key, meshId, memberId, timestamp)),
        SignedStrings.verifyHello(key.publicKey(), meshId, memberId, timestamp, expected.toLowerCase(java.util.Locale.ROOT))
            ? null : "signature_hex does not verify");
  }

  private static @Nullable String checkSecretBox(Map<?, ?> v) {
    byte[] key = hex(v, "key_hex");
    byte[] plaintext = string(v, "plaintext_utf8").getBytes(UTF_8);
    String expected = string(v, "ciphertext_b64");
    SealedEnvelope sealed = SecretBox.encrypt(plaintext, base64(v, "nonce_b64"), key);
    String opened;
    try {
      opened = Arrays.equals(plaintext, SecretBox.decrypt(SealedEnvelope.fromBase64(string(v, "nonce_b64"), expected), key))
          ? null : "opened to a different plaintext";
    } catch (DecryptionFailedException e) {
      opened = "ciphertext_b64 does not open: " + e.getMessage();
    }
    return firstProblem(sameText("ciphertext_b64", expected, sealed.ciphertextBase64()), opened);
  }

  private static @Nullable String checkSeal(Map<?, ?> v) {
    Ed25519SigningKey recipient = keyPair(v, "recipient_ed25519_secret_hex", "recipient_ed25519_public_hex");
    try {
      byte[] opened = SealedBox.open(base64(v, "sealed_b64"), recipient.toX25519());
      return Arrays.equals(string(v, "plaintext_utf8").getBytes(UTF_8), opened) ? null : "opened to a different plaintext";
    } catch (DecryptionFailedException e) {
      return "sealed_b64 does not open: " + e.getMessage();
    }
  }

  private static Ed25519SigningKey keyPair(Map<?, ?> v, String secretField, String publicField) {
    Ed25519SigningKey key = Ed25519SigningKey.fromInsecureSecretHex(string(v, secretField));
    if (!key.publicKey().hex().equalsIgnoreCase(string(v, publicField))) {
      throw new IllegalArgumentException(publicField + " is not the public half of " + secretField);
    }
    return key;
  }

  private static @Nullable String firstProblem(@Nullable String... problems) {
    for (String problem : problems) {
      if (problem != null) {
        return problem;
      }
    }
    return null;
  }

  private static @Nullable String sameHex(String field, String expected, String actual) {
    return expected.equalsIgnoreCase(actual) ? null : field + ": expected " + expected + ", got " + actual;
  }

  private static @Nullable String sameText(String field, String expected, String actual) {
    return expected.equals(actual) ? null
        : field + ": expected " + abbreviate(expected) + ", got " + abbreviate(actual);
  }

  private static String abbreviate(String s) {
    return s.length() <= 48 ? s : s.substring(0, 45) + "...";
  }

  private static String string(Map<?, ?> v, String field) {
    Object value = v.get(field);
    if (!(value instanceof String)) {
      throw new IllegalArgumentException("missing string field \"" + field + "\"");
    }
    return (String) value;
  }

  private static byte[] hex(Map<?, ?> v, String field) {
    try {
      return HexFormat.of().parseHex(string(v, field));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("\"" + field + "\" is not hex");
    }
  }

  private static byte[] base64(Map<?, ?> v, String field) {
    try {
      return Base64.getDecoder().decode(string(v, field));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("\"" + field + "\" is not standard base64");
    }
  }

  private static long integer(Map<?, ?> v, String field) {
    Object value = v.get(field);
    if (!(value instanceof Number)) {
      throw new IllegalArgumentException("missing number field \"" + field + "\"");
    }
    double d = ((Number) value).doubleValue();
    if (d != Math.rint(d) || Math.abs(d) > 9007199254740991.0) {
      throw new IllegalArgumentException("\"" + field + "\" must be an integer of at most 2^53 - 1");
    }
    return (long) d;
  }
}
