package dev.claudemesh.core.identity;

import static dev.claudemesh.core.CapturedLogs.rememberSecret;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.core.CapturedLogs;
import dev.claudemesh.core.crypto.Box;
import dev.claudemesh.core.crypto.DecryptionFailedException;
import dev.claudemesh.core.crypto.Ed25519SigningKey;
import dev.claudemesh.core.crypto.SealedEnvelope;
import dev.claudemesh.core.internal.StateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityTest {
  private static final HostFacts HOST_A = new HostFacts(Optional.of("machine-a"), Optional.of("00:11:22:33:44:55"));
  private static final HostFacts HOST_A_NEW_NIC = new HostFacts(Optional.of("machine-a"), Optional.of("00:11:22:33:44:66"));
  private static final HostFacts HOST_B = new HostFacts(Optional.of("machine-b"), Optional.of("00:aa:bb:cc:dd:ee"));
  private static final Map<String, String> BARE_METAL = Map.of();

  @TempDir Path home;
  private DaemonPaths paths;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T08:00:00Z"));

  @BeforeEach
  void setUp() {
    paths = DaemonPaths.resolve(Map.of(DaemonPaths.ENV_HOME, home.toString()), "dev");
  }

  private Identity.Builder on(HostFacts host) {
    return Identity.builder(paths).env(BARE_METAL).clock(clock).hostProbe(() -> host);
  }

  private Identity joined(HostFacts host) throws IOException {
    Identity identity = on(host).open();
    Ed25519SigningKey key = Ed25519SigningKey.generate();
    rememberSecret(key.insecureSecretHex());
    rememberSecret(key.insecureSeedHex());
    rememberSecret(key.toX25519().insecureSecretHex());
    identity.join(new MeshConfig("mesh-1", "member-1", "dev", "ws://127.0.0.1:7900/ws", "laptop"), key);
    rememberSecret(identity.tokens().insecureCurrentToken());
    return identity;
  }

  private static String mode(Path file) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
  }

  @Test
  void everyFileHasItsSpecModeFromCreation() throws IOException {
    Identity identity = joined(HOST_A);
    identity.rotateKeypair(Ed25519SigningKey.generate());
    assertEquals("rwx------", mode(paths.dir()));
    assertEquals("rw-------", mode(paths.localToken()));
    assertEquals("rw-------", mode(paths.meshJson()));
    assertEquals("rw-------", mode(paths.keypairJson()));
    assertEquals("rw-------", mode(paths.hostFingerprint()));
    assertEquals("rw-------", mode(paths.keypairArchive()));
    assertEquals(home.resolve("daemon").resolve("dev"), paths.dir());
    try (Stream<Path> files = Files.list(paths.dir())) {
      assertTrue(files.noneMatch(f -> f.getFileName().toString().contains(".tmp-")), "temp files left behind");
    }
  }

  @Test
  void persistentIdentitySurvivesARestart() throws IOException {
    Identity first = joined(HOST_A);
    Identity second = on(HOST_A).open();
    assertEquals(first.signingKey(), second.signingKey());
    assertEquals(first.mesh(), second.mesh());
    assertEquals(CloneCheck.Outcome.MATCH, second.cloneCheck().orElseThrow().outcome());
    assertTrue(second.tokens().matches(first.tokens().insecureCurrentToken()));
  }

  @Test
  void aCloneOnAnotherHostIsRefusedWithExitCodeFour() throws IOException {
    joined(HOST_A);
    IdentityUnavailableException e = assertThrows(IdentityUnavailableException.class, () -> on(HOST_B).open());
    assertEquals(4, e.exitCode());
    assertTrue(e.getMessage().contains("claudemesh daemon accept-host"), e.getMessage());
    assertTrue(e.getMessage().contains("claudemesh daemon remint"), e.getMessage());
    assertEquals(CloneCheck.Outcome.MISMATCH_WARNED,
        on(HOST_B).clonePolicy(ClonePolicy.WARN).open().cloneCheck().orElseThrow().outcome());
    assertEquals(CloneCheck.Outcome.MISMATCH_ALLOWED,
        on(HOST_B).clonePolicy(ClonePolicy.ALLOW).open().cloneCheck().orElseThrow().outcome());
    assertThrows(IdentityUnavailableException.class, () -> on(HOST_B).open(), "warn/allow must not rewrite the file");
  }

  @Test
  void acceptHostKeepsTheKeysAndRemintReplacesThem() throws IOException {
    Identity original = joined(HOST_A);
    on(HOST_B).clonePolicy(ClonePolicy.ALLOW).open().acceptHost();
    Identity moved = on(HOST_B).open();
    assertEquals(original.signingKey(), moved.signingKey());

    Ed25519SigningKey fresh = on(HOST_A).clonePolicy(ClonePolicy.ALLOW).open().remint();
    Identity reminted = on(HOST_A).open();
    assertEquals(fresh, reminted.signingKey());
    assertFalse(fresh.equals(original.signingKey()));
    try (Stream<Path> files = Files.list(paths.dir())) {
      assertEquals(1, files.filter(f -> f.getFileName().toString().startsWith("keypair.json.replaced-")).count());
    }
  }

  @Test
  void aDriftedMacIsAcceptedWhenTheHostIdMatches() throws IOException {
    joined(HOST_A);
    String before = Files.readString(paths.hostFingerprint());
    assertEquals(CloneCheck.Outcome.MAC_DRIFT_ACCEPTED, on(HOST_A_NEW_NIC).open().cloneCheck().orElseThrow().outcome());
    assertFalse(before.equals(Files.readString(paths.hostFingerprint())), "file must be rewritten");
    assertEquals(CloneCheck.Outcome.MATCH, on(HOST_A_NEW_NIC).open().cloneCheck().orElseThrow().outcome());
  }

  @Test
  void aHostIdThatFailsToReadOnceIsNotAClone() throws IOException {
    joined(HOST_A);
    HostFacts macOnly = new HostFacts(Optional.empty(), HOST_A.stableMac());
    assertEquals(CloneCheck.Outcome.MATCH, on(macOnly).open().cloneCheck().orElseThrow().outcome());
  }

  @Test
  void withNoHostIdAndNoMacARandomIdIsPersistedAndReused() throws IOException {
    HostFacts nothing = new HostFacts(Optional.empty(), Optional.empty());
    assertEquals(CloneCheck.Outcome.FIRST_RUN, on(nothing).open().cloneCheck().orElseThrow().outcome());
    assertTrue(Files.readString(paths.hostFingerprint()).contains("\"host_id\":\"random:"));
    assertEquals(CloneCheck.Outcome.MATCH, on(nothing).open().cloneCheck().orElseThrow().outcome());
    assertFalse(CapturedLogs.linesContaining("fingerprint_unavailable").isEmpty());
  }

  @Test
  void idOverrideWinsOverTheProbe() throws IOException {
    on(HOST_A).hostIdOverride("rack-7").open();
    assertEquals(CloneCheck.Outcome.MATCH,
        on(HOST_B).hostIdOverride("rack-7").open().cloneCheck().orElseThrow().outcome());
  }

  @Test
  void ephemeralModeWritesNoKeyFile() throws IOException {
    Identity identity = Identity.builder(paths).env(Map.of("CI", "true")).clock(clock).hostProbe(() -> HOST_A).open();
    assertEquals(IdentityMode.EPHEMERAL, identity.mode());
    assertTrue(identity.hasKey());
    rememberSecret(identity.signingKey().insecureSecretHex());
    identity.join(new MeshConfig("m", "e-1", "dev", "wss://broker.example/ws", "ci-runner"), identity.signingKey());
    assertFalse(Files.exists(paths.keypairJson()));
    assertFalse(Files.exists(paths.hostFingerprint()));
    assertTrue(Files.exists(paths.meshJson()));
    assertThrows(IllegalArgumentException.class,
        () -> identity.join(identity.mesh().orElseThrow(), Ed25519SigningKey.generate()));
    assertThrows(IllegalStateException.class, () -> identity.rotateKeypair(Ed25519SigningKey.generate()));
    Identity again = Identity.builder(paths).env(Map.of("CI", "true")).clock(clock).hostProbe(() -> HOST_A).open();
    assertFalse(again.signingKey().equals(identity.signingKey()), "a new ephemeral member every start");
  }

  @Test
  void theOldLocalTokenWorksForSixtySecondsAfterRotation() throws IOException {
    Identity identity = joined(HOST_A);
    LocalTokens tokens = identity.tokens();
    String old = tokens.insecureCurrentToken();
    tokens.rotate();
    String fresh = rememberSecret(tokens.insecureCurrentToken());
    assertEquals(fresh, Files.readString(paths.localToken()));
    assertEquals(43, fresh.length());
    assertTrue(tokens.matches(fresh));
    clock.advance(Duration.ofSeconds(59));
    assertTrue(tokens.matches(old));
    clock.advance(Duration.ofSeconds(1));
    assertFalse(tokens.matches(old));
    assertTrue(tokens.matches(fresh));
    assertFalse(tokens.matches(null));
    assertFalse(tokens.matches(""));
  }

  @Test
  void aRotationByAnotherProcessGetsTheSameGrace() throws IOException {
    Identity identity = joined(HOST_A);
    String old = identity.tokens().insecureCurrentToken();
    LocalTokens other = LocalTokens.openOrCreate(paths.localToken(), clock);
    other.rotate();
    rememberSecret(other.insecureCurrentToken());
    identity.tokens().reload();
    assertTrue(identity.tokens().matches(other.insecureCurrentToken()));
    assertTrue(identity.tokens().matches(old));
    clock.advance(Duration.ofSeconds(61));
    assertFalse(identity.tokens().matches(old));
  }

  @Test
  void aMalformedTokenFileIsReplaced() throws IOException {
    Files.createDirectories(paths.dir());
    Files.writeString(paths.localToken(), "short");
    LocalTokens tokens = LocalTokens.openOrCreate(paths.localToken(), clock);
    rememberSecret(tokens.insecureCurrentToken());
    assertEquals(43, Files.readString(paths.localToken()).length());
    assertFalse(tokens.matches("short"));
  }

  @Test
  void decryptFallsBackToAnArchivedKeyUntilItsGraceEnds() throws Exception {
    Identity identity = joined(HOST_A);
    Ed25519SigningKey old = identity.signingKey();
    Ed25519SigningKey peer = Ed25519SigningKey.generate();
    String body = rememberSecret("the body of a DM sealed to the old key");
    SealedEnvelope toOld = Box.seal(body.getBytes(UTF_8), old.publicKey().toX25519(), peer.toX25519());
    Ed25519SigningKey next = Ed25519SigningKey.generate();
    rememberSecret(next.insecureSecretHex());
    identity.rotateKeypair(next);

    DmKeyRing ring = identity.keyRing();
    DmKeyRing.Opened opened = ring.open(toOld, peer.publicKey().toX25519());
    assertEquals(DmKeyRing.KeySource.ARCHIVED, opened.source());
    assertArrayEquals(body.getBytes(UTF_8), opened.plaintext());
    assertEquals(1, ring.decryptArchivedCount());
    SealedEnvelope toNew = Box.seal(body.getBytes(UTF_8), next.publicKey().toX25519(), peer.toX25519());
    assertEquals(DmKeyRing.KeySource.CURRENT, ring.open(toNew, peer.publicKey().toX25519()).source());

    clock.advance(Duration.ofDays(7));
    DecryptionFailedException stale = assertThrows(DecryptionFailedException.class,
        () -> ring.open(toOld, peer.publicKey().toX25519()));
    assertTrue(stale.getMessage().startsWith("DM sealed to rotated-out key"), stale.getMessage());
    assertEquals(1, ring.decryptStaleCount());
    assertThrows(DecryptionFailedException.class,
        () -> ring.open(toNew, Ed25519SigningKey.generate().publicKey().toX25519()));
  }

  @Test
  void cleanupRemovesExpiredKeysAndTheCapForceExpiresTheOldest() throws IOException {
    Identity identity = joined(HOST_A);
    for (int i = 0; i < 10; i++) {
      clock.advance(Duration.ofHours(1));
      Ed25519SigningKey next = Ed25519SigningKey.generate();
      rememberSecret(next.insecureSecretHex());
      identity.rotateKeypair(next);
    }
    KeyArchive archive = identity.archive();
    assertEquals(KeyArchive.MAX_ARCHIVED_KEYS, archive.size());
    assertEquals(0, archive.cleanup());
    // rotated out at hours 3..10 (hours 1 and 2 were force-expired by the cap); now is hour 10
    clock.advance(Duration.ofDays(7).minusHours(5));
    assertEquals(3, archive.cleanup(), "the keys rotated out at hours 3, 4 and 5 are 7 days old");
    assertEquals(5, KeyArchive.load(paths.keypairArchive(), clock).size());
    clock.advance(Duration.ofDays(1));
    assertEquals(5, archive.cleanup());
    assertEquals(0, KeyArchive.load(paths.keypairArchive(), clock).size());
  }

  @Test
  void aRotationWhoseArchiveCannotBeWrittenIsAborted() throws IOException {
    Identity identity = joined(HOST_A);
    Ed25519SigningKey before = identity.signingKey();
    String keyFile = Files.readString(paths.keypairJson());
    Files.createDirectories(paths.keypairArchive().resolve("obstacle"));
    assertThrows(IOException.class, () -> identity.rotateKeypair(Ed25519SigningKey.generate()));
    assertEquals(before, identity.signingKey());
    assertEquals(keyFile, Files.readString(paths.keypairJson()));
    assertEquals(0, identity.archive().size());
  }

  @Test
  void graceIsClampedToThirtyDaysAndNegativeIsRefused() {
    assertEquals(Duration.ofDays(30), KeyArchive.graceFromConfig(90));
    assertEquals(Duration.ofDays(7), KeyArchive.graceFromConfig(7));
    assertEquals("[crypto] key_grace_period_days must be >= 0, got -1",
        assertThrows(IllegalArgumentException.class, () -> KeyArchive.graceFromConfig(-1)).getMessage());
    assertFalse(CapturedLogs.linesContaining("[crypto] key_grace_period_days = 90").isEmpty());
  }

  @Test
  void aMalformedKeyFileStopsTheStartAndIsKept() throws IOException {
    joined(HOST_A);
    Files.writeString(paths.keypairJson(), "{\"schema_version\":1,\"public_key\":\"00\"}");
    StateFiles.MalformedStateException e = assertThrows(StateFiles.MalformedStateException.class, () -> on(HOST_A).open());
    assertEquals("keypair.json is malformed: \"secret_key\" must be a non-empty string", e.getMessage());
    assertTrue(Files.exists(paths.keypairJson()));
  }

  @Test
  void importsAnIdentityFromTheOriginalCliConfig() throws IOException {
    Ed25519SigningKey key = Ed25519SigningKey.generate();
    rememberSecret(key.insecureSecretHex());
    Path config = home.resolve("config.json");
    Files.writeString(config, "{\"displayName\":\"ana\",\"meshes\":[{\"meshId\":\"m-1\",\"memberId\":\"u-1\","
        + "\"slug\":\"team\",\"brokerUrl\":\"wss://broker.example/ws\",\"pubkey\":\"" + key.publicKey().hex()
        + "\",\"secretKey\":\"" + key.insecureSecretHex() + "\"}]}");
    OriginalCliConfig.ImportedMesh imported = OriginalCliConfig.find(config, "team");
    assertEquals(new MeshConfig("m-1", "u-1", "team", "wss://broker.example/ws", "ana"), imported.mesh());
    assertEquals(key, imported.key());
    assertFalse(imported.toString().contains(key.insecureSeedHex()));
    assertEquals("no mesh \"other\" in config.json; it has [team]",
        assertThrows(IllegalArgumentException.class, () -> OriginalCliConfig.find(config, "other")).getMessage());

    String wrongPub = Ed25519SigningKey.generate().publicKey().hex();
    Files.writeString(config, "{\"meshes\":[{\"meshId\":\"m-1\",\"memberId\":\"u-1\",\"slug\":\"team\","
        + "\"brokerUrl\":\"wss://broker.example/ws\",\"pubkey\":\"" + wrongPub + "\",\"secretKey\":\"" + key.insecureSecretHex() + "\"}]}");
    assertEquals("config.json is malformed: meshes[0] (team): secretKey does not belong to pubkey",
        assertThrows(StateFiles.MalformedStateException.class, () -> OriginalCliConfig.read(config)).getMessage());
  }

  @Test
  void toStringShowsNoSecret() throws IOException {
    Identity identity = joined(HOST_A);
    identity.rotateKeypair(Ed25519SigningKey.generate());
    String seed = identity.signingKey().insecureSeedHex();
    String token = identity.tokens().insecureCurrentToken();
    for (Object o : List.of(identity, identity.tokens(), identity.archive(), identity.archive().activeKeys().get(0),
        identity.signingKey(), identity.mesh().orElseThrow())) {
      assertFalse(o.toString().contains(seed), o.toString());
      assertFalse(o.toString().contains(token), o.toString());
      assertFalse(o.toString().contains(identity.archive().activeKeys().get(0).x25519SecretKey().insecureSecretHex()));
    }
  }

  @Test
  void slugsThatCouldEscapeTheDirectoryAreRefused() {
    for (String slug : List.of("../x", "", "a/b", "UPPER", ".hidden")) {
      assertThrows(IllegalArgumentException.class, () -> DaemonPaths.resolve(Map.of(), slug), slug);
    }
    assertEquals(home.resolve("elsewhere"),
        DaemonPaths.resolve(Map.of(DaemonPaths.ENV_DAEMON_DIR, home.resolve("elsewhere").toString()), "dev").dir());
  }
}
