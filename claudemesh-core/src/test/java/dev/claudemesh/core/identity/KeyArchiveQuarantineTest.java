package dev.claudemesh.core.identity;

import static dev.claudemesh.core.CapturedLogs.rememberSecret;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.core.CapturedLogs;
import dev.claudemesh.core.crypto.Ed25519SigningKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every malformed-archive rule of SPEC §2.5: quarantined, start-up continues with an empty archive. */
class KeyArchiveQuarantineTest {
  private static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-11-22T08:00:00Z"));

  @TempDir Path dir;

  /** A valid entry for {@code key}, with fields overridable by the case. */
  private static String entry(Ed25519SigningKey key, String keyId, String x25519Pub, String x25519Priv, String ed25519Pub) {
    return "{\"key_id\":\"" + keyId + "\",\"ed25519_pubkey\":\"" + ed25519Pub + "\",\"x25519_pubkey\":\"" + x25519Pub
        + "\",\"x25519_privkey\":\"" + x25519Priv + "\",\"created_at\":\"2026-11-01T00:00:00Z\","
        + "\"rotated_out_at\":\"2026-11-20T00:00:00Z\",\"expires_at\":\"2026-11-27T00:00:00Z\"}";
  }

  private static String valid(Ed25519SigningKey key) {
    return entry(key, "k1", key.publicKey().toX25519().hex(), key.toX25519().insecureSecretHex(), key.publicKey().hex());
  }

  private static String archive(String... entries) {
    return "{\"schema_version\":1,\"max_archived_keys\":8,\"keys\":[" + String.join(",", entries) + "]}";
  }

  static Stream<Arguments> malformed() {
    Ed25519SigningKey a = remembered(Ed25519SigningKey.generate());
    Ed25519SigningKey b = remembered(Ed25519SigningKey.generate());
    Map<String, String> cases = Map.ofEntries(
        Map.entry("bad JSON", "{\"schema_version\":1,"),
        Map.entry("not an object", "[]"),
        Map.entry("unknown schema_version", "{\"schema_version\":2,\"max_archived_keys\":8,\"keys\":[]}"),
        Map.entry("keys not an array", "{\"schema_version\":1,\"max_archived_keys\":8,\"keys\":{}}"),
        Map.entry("missing max_archived_keys", "{\"schema_version\":1,\"keys\":[]}"),
        Map.entry("entry missing a field", archive("{\"key_id\":\"k1\"}")),
        Map.entry("bad timestamp", archive(valid(a).replace("2026-11-27T00:00:00Z", "next week"))),
        Map.entry("duplicate key_id", archive(valid(a), valid(b))),
        Map.entry("private key does not match x25519_pubkey", archive(entry(a, "k1", b.publicKey().toX25519().hex(),
            a.toX25519().insecureSecretHex(), a.publicKey().hex()))),
        Map.entry("x25519 keys of another ed25519 key", archive(entry(a, "k1", a.publicKey().toX25519().hex(),
            a.toX25519().insecureSecretHex(), b.publicKey().hex()))),
        Map.entry("private key not hex", archive(entry(a, "k1", a.publicKey().toX25519().hex(), "zz", a.publicKey().hex()))),
        Map.entry("duplicate JSON member", "{\"schema_version\":1,\"schema_version\":1,\"max_archived_keys\":8,\"keys\":[]}"));
    return cases.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  private static Ed25519SigningKey remembered(Ed25519SigningKey key) {
    rememberSecret(key.insecureSecretHex());
    rememberSecret(key.toX25519().insecureSecretHex());
    return key;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void isQuarantinedAndStartUpContinues(String name, String content) throws IOException {
    DaemonPaths paths = DaemonPaths.inDirectory(dir.resolve("d"));
    Files.createDirectories(paths.dir());
    Files.writeString(paths.keypairArchive(), content);
    Identity identity = Identity.builder(paths).env(Map.of()).clock(CLOCK)
        .hostProbe(() -> new HostFacts(Optional.of("h"), Optional.empty())).open();
    assertEquals(0, identity.archive().size());
    assertFalse(Files.exists(paths.keypairArchive()));
    try (Stream<Path> files = Files.list(paths.dir())) {
      List<Path> moved = files.filter(f -> f.getFileName().toString().startsWith("keypair-archive.json.malformed-"))
          .collect(Collectors.toList());
      assertEquals(1, moved.size());
      assertEquals(content, Files.readString(moved.get(0)), "the quarantined file keeps its content");
    }
    assertFalse(CapturedLogs.linesContaining("starting with an empty key archive").isEmpty());
  }

  @Test
  void aValidArchiveLoadsAndAWideModeIsOnlyAWarning() throws IOException {
    Ed25519SigningKey a = remembered(Ed25519SigningKey.generate());
    Path file = dir.resolve("keypair-archive.json");
    Files.writeString(file, archive(valid(a)));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    KeyArchive archive = KeyArchive.load(file, CLOCK);
    assertEquals(1, archive.size());
    assertEquals(a.publicKey(), archive.activeKeys().get(0).ed25519PublicKey());
    assertTrue(Files.exists(file));
    assertFalse(CapturedLogs.linesContaining("keypair-archive.json has mode rw-r--r--").isEmpty());
  }

  @Test
  void quarantineNamesDoNotCollide() throws IOException {
    Path file = dir.resolve("keypair-archive.json");
    for (int i = 0; i < 3; i++) {
      Files.writeString(file, "broken " + i);
      KeyArchive.load(file, CLOCK);
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(3, files.map(Function.identity()).count());
    }
  }
}
