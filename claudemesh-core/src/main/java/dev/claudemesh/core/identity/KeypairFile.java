package dev.claudemesh.core.identity;

import dev.claudemesh.core.crypto.Ed25519SigningKey;
import dev.claudemesh.core.internal.SecureFiles;
import dev.claudemesh.core.internal.StateFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code keypair.json} (persistent mode only, mode 0600): {@code {schema_version:1, public_key,
 * secret_key, created_at}} with the ed25519 public key (64 hex) and libsodium's secret key, seed ‖
 * public (128 hex).
 */
final class KeypairFile {
  static final long SCHEMA_VERSION = 1;

  private KeypairFile() {}

  static Ed25519SigningKey read(Path file) throws IOException {
    Map<String, ?> json = StateFiles.readObject(file);
    long version = StateFiles.requireLong(json, "schema_version", file);
    if (version != SCHEMA_VERSION) {
      throw new StateFiles.MalformedStateException(file, "unknown schema_version " + version);
    }
    String publicHex = StateFiles.requireString(json, "public_key", file);
    String secretHex = StateFiles.requireString(json, "secret_key", file);
    Ed25519SigningKey key;
    try {
      key = Ed25519SigningKey.fromInsecureSecretHex(secretHex);
    } catch (IllegalArgumentException e) {
      throw new StateFiles.MalformedStateException(file, "secret_key: " + e.getMessage());
    }
    if (!key.publicKey().hex().equalsIgnoreCase(publicHex)) {
      throw new StateFiles.MalformedStateException(file, "public_key does not match secret_key");
    }
    return key;
  }

  static void write(Path file, Ed25519SigningKey key, Instant createdAt) throws IOException {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("schema_version", SCHEMA_VERSION);
    json.put("public_key", key.publicKey().hex());
    json.put("secret_key", key.insecureSecretHex());
    json.put("created_at", createdAt.toString());
    StateFiles.writeObject(file, json, SecureFiles.FILE_0600);
  }
}
