package dev.claudemesh.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.broker.ReferenceBroker;
import dev.claudemesh.core.crypto.Ed25519SigningKey;
import dev.claudemesh.core.fingerprint.DestinationKind;
import dev.claudemesh.core.fingerprint.FingerprintRequest;
import dev.claudemesh.core.identity.DaemonPaths;
import dev.claudemesh.core.identity.KeyArchive;
import dev.claudemesh.core.identity.MeshConfig;
import dev.claudemesh.core.store.Outbox;
import dev.claudemesh.core.store.OutboxCorruptException;
import dev.claudemesh.core.store.OutboxRow;
import dev.claudemesh.core.store.OutboxStatus;
import dev.claudemesh.daemon.DaemonRuntime;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator commands of {@code claudemesh daemon} in-process, on real files, real SQLite and
 * real crypto, against a real reference broker and daemon runtime.
 */
class OperatorCommandsTest {
  private static final String PASSPHRASE = "correct horse battery staple";

  @TempDir Path tmp;

  private ReferenceBroker broker;
  private Map<String, String> env;

  @BeforeEach
  void setUp() throws Exception {
    broker = ReferenceBroker.builder().dbPath(tmp.resolve("broker.db")).host("127.0.0.1").port(0)
        .build().start();
    broker.createMesh("team");
    env = new HashMap<>();
    env.put(DaemonPaths.ENV_HOME, tmp.resolve("home").toString());
    env.put("USER", "tester");
    env.put("HOSTNAME", "box.example");
  }

  @AfterEach
  void tearDown() {
    broker.close();
  }

  private Run run(String... args) {
    return run(env, args);
  }

  private Run run(Map<String, String> environment, String... args) {
    return Run.exec(environment, args);
  }

  private DaemonPaths join(String name) throws Exception {
    Run r = run("join", broker.wsUrl(), broker.createInvite("team", 1, false), "--name", name,
        "--mesh", name);
    assertEquals(0, r.code(), r.err());
    return DaemonPaths.resolve(env, name);
  }

  private static FingerprintRequest topic(String body) {
    return FingerprintRequest.builder().destinationKind(DestinationKind.TOPIC)
        .destinationRef("ops").body(body).build();
  }

  /** Rows in each state: done-1 done, dead-1 dead, pending-1 pending. */
  private static void seedOutbox(DaemonPaths paths) throws Exception {
    try (Outbox outbox = Outbox.builder(paths.dir()).open()) {
      outbox.accept("done-1", topic("secret body one"));
      outbox.claimDue(10);
      assertTrue(outbox.markDone("done-1", "b-1", null, true));
      outbox.accept("dead-1", topic("secret body two"));
      assertTrue(outbox.markDead("dead-1", "permanent: topic_not_found"));
      outbox.accept("pending-1", topic("secret body three"));
    }
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  // ------------------------------------------------------------------------------------- outbox

  @Test
  void outboxListInspectAndRequeueWorkOnOutboxDbWithoutADaemon() throws Exception {
    DaemonPaths alice = join("alice");
    seedOutbox(alice);

    Run all = run("daemon", "outbox", "list", "--mesh", "alice");
    assertEquals(0, all.code(), all.err());
    for (String id : new String[] {"done-1", "dead-1", "pending-1"}) {
      assertTrue(all.out().contains(id), all.out());
    }
    assertFalse(all.out().contains("secret body"), "never the payload: " + all.out());
    Run dead = run("daemon", "outbox", "list", "--dead", "--json", "--mesh", "alice");
    assertEquals(0, dead.code(), dead.err());
    assertTrue(dead.out().contains("\"client_message_id\":\"dead-1\""), dead.out());
    assertFalse(dead.out().contains("pending-1"), dead.out());
    assertTrue(dead.out().contains("topic_not_found"), dead.out());
    assertEquals(2, run("daemon", "outbox", "list", "--dead", "--done", "--mesh", "alice").code());
    assertEquals(2, run("daemon", "outbox", "list", "--limit", "0", "--mesh", "alice").code());
    Run limited = run("daemon", "outbox", "list", "--limit", "1", "--json", "--mesh", "alice");
    assertEquals(1, limited.out().split("\"client_message_id\"").length - 1, limited.out());

    Run requeued = run("daemon", "outbox", "requeue", "dead-1", "--new-client-id", "dead-1-again",
        "--mesh", "alice");
    assertEquals(0, requeued.code(), requeued.err());
    assertTrue(requeued.out().contains("dead-1 aborted; requeued as dead-1-again (pending)"),
        requeued.out());

    Run chain = run("daemon", "outbox", "inspect", "dead-1-again", "--json", "--mesh", "alice");
    assertEquals(0, chain.code(), chain.err());
    String json = chain.out();
    assertTrue(json.indexOf("\"dead-1\"") < json.indexOf("\"dead-1-again\""), json);
    assertTrue(json.contains("\"status\":\"aborted\""), json);
    assertTrue(json.contains("\"aborted_by\":\"cli\""), json);
    assertTrue(json.contains("\"superseded_by\":\"dead-1-again\""), json);
    assertTrue(json.contains("\"status\":\"pending\""), json);
    assertFalse(json.contains("secret body"), json);
    Run table = run("daemon", "outbox", "inspect", "dead-1", "--mesh", "alice");
    assertEquals(3, table.out().lines().count(), "header and both rows: " + table.out());

    try (Outbox outbox = Outbox.builder(alice.dir()).open()) {
      OutboxRow old = outbox.find("dead-1").orElseThrow();
      OutboxRow fresh = outbox.find("dead-1-again").orElseThrow();
      assertEquals(OutboxStatus.ABORTED, old.status());
      assertEquals("dead-1-again", old.supersededBy().orElseThrow());
      assertEquals(OutboxStatus.PENDING, fresh.status());
      assertEquals("secret body two", fresh.request().body());
    }

    Run aborted = run("daemon", "outbox", "requeue", "dead-1", "--auto", "--mesh", "alice");
    assertEquals(1, aborted.code());
    assertTrue(aborted.err().contains("is aborted; only dead and pending"), aborted.err());
    Run done = run("daemon", "outbox", "requeue", "done-1", "--mesh", "alice");
    assertEquals(1, done.code());
    assertTrue(done.err().contains("is done"), done.err());
    Run missing = run("daemon", "outbox", "inspect", "nope", "--mesh", "alice");
    assertEquals(1, missing.code());
    assertTrue(missing.err().contains("no outbox row nope"), missing.err());
    assertEquals(2, run("daemon", "outbox", "requeue", "pending-1", "--auto", "--new-client-id",
        "x", "--mesh", "alice").code(), "--auto and --new-client-id exclude each other");

    Path patch = tmp.resolve("patch.json");
    Files.writeString(patch, "{\"message\": \"fixed body\", \"meta\": {\"k\": \"v\"}}");
    Run patched = run("daemon", "outbox", "requeue", "pending-1", "--auto", "--patch-payload",
        patch.toString(), "--json", "--mesh", "alice");
    assertEquals(0, patched.code(), patched.err());
    Matcher m = Pattern.compile("\"client_message_id\":\"([^\"]+)\"").matcher(patched.out());
    assertTrue(m.find(), patched.out());
    try (Outbox outbox = Outbox.builder(alice.dir()).open()) {
      OutboxRow fresh = outbox.find(m.group(1)).orElseThrow();
      assertEquals("fixed body", fresh.request().body());
      assertEquals(Map.of("k", "v"), fresh.request().meta());
      assertNotEquals(outbox.find("pending-1").orElseThrow().fingerprint(), fresh.fingerprint());
    }
    Files.writeString(patch, "{\"to\": \"someone else\"}");
    Run badPatch = run("daemon", "outbox", "requeue", m.group(1), "--patch-payload",
        patch.toString(), "--mesh", "alice");
    assertEquals(2, badPatch.code());
    assertTrue(badPatch.err().contains("unknown field \"to\""), badPatch.err());
  }

  @Test
  void withADaemonRunningListAndRequeueGoThroughItsRoutesAndInspectReadsBesideIt()
      throws Exception {
    DaemonPaths alice = join("alice");
    seedOutbox(alice);
    try (DaemonRuntime daemon = start(env, "alice")) {
      Run list = run("daemon", "outbox", "list", "--dead", "--mesh", "alice");
      assertEquals(0, list.code(), list.err());
      assertTrue(list.out().contains("dead-1"), list.out());
      assertFalse(list.out().contains("done-1"), list.out());

      Run requeued = run("daemon", "outbox", "requeue", "dead-1", "--new-client-id", "dead-1-b",
          "--mesh", "alice");
      assertEquals(0, requeued.code(), requeued.err());
      assertTrue(requeued.out().contains("dead-1 aborted; requeued as dead-1-b"), requeued.out());
      Run done = run("daemon", "outbox", "requeue", "done-1", "--mesh", "alice");
      assertEquals(1, done.code());
      assertTrue(done.err().contains("done"), done.err());

      Run chain = run("daemon", "outbox", "inspect", "dead-1", "--json", "--mesh", "alice");
      assertEquals(0, chain.code(), chain.err());
      assertTrue(chain.out().contains("\"superseded_by\":\"dead-1-b\""), chain.out());
      assertTrue(chain.out().contains("\"aborted_by\":\"ipc:"), chain.out());
      assertFalse(chain.out().contains("secret body"), chain.out());
    }
  }

  // ------------------------------------------------------------------------ backup and restore

  @Test
  void backupRestoresIntoAnotherHomeWhereTheDaemonStartsWithItsOutbox() throws Exception {
    DaemonPaths alice = join("alice");
    Files.writeString(alice.configToml(), "[inbox]\nretention_days = 30\n");
    Files.createDirectories(alice.hooksDir());
    Files.writeString(alice.hooksDir().resolve("on-message.sh"), "#!/bin/sh\necho hi\n");
    Files.setPosixFilePermissions(alice.hooksDir().resolve("on-message.sh"),
        PosixFilePermissions.fromString("rwxr-xr-x"));
    try (DaemonRuntime daemon = start(env, "alice")) {
      assertTrue(Files.exists(alice.localToken()));
    }
    seedOutbox(alice);
    Files.writeString(alice.daemonLog(), "{\"msg\":\"a log line\"}\n");
    String memberKey = Files.readString(alice.keypairJson());

    Path backup = tmp.resolve("out/alice.cmbackup");
    Files.createDirectories(backup.getParent());
    Map<String, String> withPass = new HashMap<>(env);
    withPass.put(BackupCommands.ENV_PASSPHRASE, PASSPHRASE);
    Run made = run(withPass, "daemon", "backup", "--out", backup.toString(), "--mesh", "alice");
    assertEquals(0, made.code(), made.err());
    assertEquals("rw-------", mode(backup));
    byte[] bytes = Files.readAllBytes(backup);
    assertEquals("CMBACKUP", new String(bytes, 0, 8, StandardCharsets.US_ASCII));
    assertFalse(new String(bytes, StandardCharsets.ISO_8859_1).contains("secret body"));
    try (var left = Files.list(alice.dir())) {
      assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith(".backup-")));
    }

    Map<String, String> other = new HashMap<>(env);
    other.put(DaemonPaths.ENV_HOME, tmp.resolve("home2").toString());
    Path passFile = tmp.resolve("pass.txt");
    Files.writeString(passFile, PASSPHRASE + "\n");
    Run restored = run(other, "daemon", "restore", "--in", backup.toString(),
        "--passphrase-file", passFile.toString());
    assertEquals(0, restored.code(), restored.err());
    assertTrue(restored.out().contains("accept-host"), restored.out());
    DaemonPaths copy = DaemonPaths.resolve(other, "alice");
    assertEquals("rwx------", mode(copy.dir()));
    assertEquals("rw-------", mode(copy.meshJson()));
    assertEquals("rw-------", mode(copy.keypairJson()));
    assertEquals("rw-------", mode(copy.outboxDb()));
    assertEquals("rw-------", mode(copy.hostFingerprint()));
    assertEquals("rw-r--r--", mode(copy.configToml()));
    assertEquals("rwx------", mode(copy.hooksDir()));
    assertEquals("rwx------", mode(copy.hooksDir().resolve("on-message.sh")));
    assertEquals(memberKey, Files.readString(copy.keypairJson()));
    for (Path excluded : new Path[] {copy.localToken(), copy.pidFile(), copy.socket(),
        copy.httpPort(), copy.daemonLog()}) {
      assertFalse(Files.exists(excluded), excluded + " is never restored");
    }

    try (DaemonRuntime daemon = start(other, "alice")) {
      assertTrue(Files.exists(copy.localToken()), "a new local_token at the first start");
      Run chain = run(other, "daemon", "outbox", "inspect", "dead-1", "--mesh", "alice");
      assertEquals(0, chain.code(), chain.err());
      assertTrue(chain.out().contains("dead"), chain.out());
    }
    try (Outbox outbox = Outbox.builder(copy.dir()).open()) {
      for (String id : new String[] {"done-1", "dead-1", "pending-1"}) {
        assertTrue(outbox.find(id).isPresent(), id);
      }
    }

    Run again = run(other, "daemon", "restore", "--in", backup.toString(),
        "--passphrase-file", passFile.toString());
    assertEquals(1, again.code());
    assertTrue(again.err().contains("is not empty; restore with --force"), again.err());
    Run forced = run(other, "daemon", "restore", "--in", backup.toString(),
        "--passphrase-file", passFile.toString(), "--force");
    assertEquals(0, forced.code(), forced.err());
    assertFalse(Files.exists(copy.localToken()), "replaced as a whole: " + copy.dir());
  }

  @Test
  void aWrongPassphraseOrAChangedByteRestoresNothing() throws Exception {
    DaemonPaths alice = join("alice");
    seedOutbox(alice);
    Path backup = tmp.resolve("alice.cmbackup");
    Map<String, String> withPass = new HashMap<>(env);
    withPass.put(BackupCommands.ENV_PASSPHRASE, PASSPHRASE);
    assertEquals(0, run(withPass, "daemon", "backup", "--out", backup.toString()).code());

    Map<String, String> other = new HashMap<>(env);
    other.put(DaemonPaths.ENV_HOME, tmp.resolve("home2").toString());
    other.put(BackupCommands.ENV_PASSPHRASE, "not the passphrase");
    Run wrong = run(other, "daemon", "restore", "--in", backup.toString());
    assertEquals(1, wrong.code());
    assertTrue(wrong.err().contains("wrong passphrase or corrupted backup"), wrong.err());
    assertNothingRestored(tmp.resolve("home2"));

    other.put(BackupCommands.ENV_PASSPHRASE, PASSPHRASE);
    byte[] original = Files.readAllBytes(backup);
    for (int offset : new int[] {20, original.length / 2, original.length - 1}) {
      byte[] tampered = original.clone();
      tampered[offset] ^= 0x01;
      Path bad = tmp.resolve("tampered-" + offset);
      Files.write(bad, tampered);
      Run r = run(other, "daemon", "restore", "--in", bad.toString());
      assertEquals(1, r.code(), "byte " + offset + ": " + r.out());
      assertTrue(r.err().contains("wrong passphrase or corrupted backup"), r.err());
      assertNothingRestored(tmp.resolve("home2"));
    }
    byte[] truncated = java.util.Arrays.copyOf(original, original.length - 40);
    Files.write(tmp.resolve("truncated"), truncated);
    assertEquals(1, run(other, "daemon", "restore", "--in", tmp.resolve("truncated").toString())
        .code());
    assertNothingRestored(tmp.resolve("home2"));

    Map<String, String> noPass = new HashMap<>(env);
    Run none = run(noPass, "daemon", "backup", "--out", tmp.resolve("x").toString());
    assertEquals(2, none.code());
    assertTrue(none.err().contains(BackupCommands.ENV_PASSPHRASE), none.err());
  }

  private static void assertNothingRestored(Path home) throws Exception {
    Path daemons = home.resolve("daemon");
    if (Files.exists(daemons)) {
      try (var entries = Files.list(daemons)) {
        assertEquals(0, entries.count(), "nothing written under " + daemons);
      }
    }
  }

  // ---------------------------------------------------------------------------------- recover

  @Test
  void recoverKeepsTheReadableRowsOfACorruptOutbox() throws Exception {
    DaemonPaths alice = join("alice");
    Run clean = run("daemon", "recover", "--mesh", "alice");
    assertEquals(0, clean.code(), clean.err());
    assertTrue(clean.out().contains("nothing to recover"), clean.out());

    int rows = 1500;
    try (Outbox outbox = Outbox.builder(alice.dir()).open()) {
      for (int i = 0; i < rows; i++) {
        outbox.accept(String.format("row-%05d", i), topic("body " + i + " " + "x".repeat(300)));
      }
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + alice.outboxDb());
        Statement s = c.createStatement()) {
      s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    Run stillClean = run("daemon", "recover", "--mesh", "alice");
    assertTrue(stillClean.out().contains("nothing to recover"), stillClean.out());

    long pages = Files.size(alice.outboxDb()) / 4096;
    Random random = new Random(42);
    try (RandomAccessFile file = new RandomAccessFile(alice.outboxDb().toFile(), "rw")) {
      for (long page = pages * 2 / 5; page < pages * 2 / 5 + 6; page++) {
        byte[] garbage = new byte[4096];
        random.nextBytes(garbage);
        file.seek(page * 4096);
        file.write(garbage);
      }
    }
    OutboxCorruptException refused = assertThrows(OutboxCorruptException.class,
        () -> Outbox.builder(alice.dir()).open().close());
    assertTrue(refused.getMessage().contains("claudemesh daemon recover"), refused.getMessage());

    Run recovered = run("daemon", "recover", "--mesh", "alice");
    assertEquals(0, recovered.code(), recovered.err());
    Matcher m = Pattern.compile("holds the (\\d+) row\\(s\\) that could be read, (\\d+) unreadable")
        .matcher(recovered.out());
    assertTrue(m.find(), recovered.out());
    long copied = Long.parseLong(m.group(1));
    assertTrue(copied > rows / 2 && copied < rows, recovered.out());
    try (var files = Files.list(alice.dir())) {
      assertEquals(1, files.filter(p -> p.getFileName().toString().startsWith("outbox.db.corrupt-")
          && !p.getFileName().toString().endsWith("-wal")
          && !p.getFileName().toString().endsWith("-shm")).count());
    }
    try (Outbox outbox = Outbox.builder(alice.dir()).open()) {
      assertEquals(copied, outbox.depth().values().stream().mapToLong(Long::longValue).sum());
      assertTrue(outbox.find("row-00000").isPresent(), "rows before the damage survive");
      assertTrue(outbox.find(String.format("row-%05d", rows - 1)).isPresent(),
          "rows after the damage survive");
    }
    assertTrue(run("daemon", "recover", "--mesh", "alice").out().contains("nothing to recover"));
  }

  // ------------------------------------------------------------------------ reset, uninstall

  @Test
  void resetStopsTheDaemonAndDeletesItsDirectory() throws Exception {
    DaemonPaths alice = join("alice");
    DaemonPaths bob = join("bob");
    Run unconfirmed = run("daemon", "reset", "--mesh", "alice");
    assertEquals(2, unconfirmed.code());
    assertTrue(unconfirmed.err().contains("--yes"), unconfirmed.err());
    assertTrue(Files.exists(alice.meshJson()));

    MeshConfig joined = MeshConfig.read(alice.meshJson());
    DaemonRuntime daemon = start(env, "alice");
    Run reset = run("daemon", "reset", "--yes", "--mesh", "alice");
    assertEquals(0, reset.code(), reset.err());
    assertTrue(daemon.awaitStop(Duration.ofSeconds(10)), "reset stopped the daemon");
    daemon.close();
    assertTrue(reset.out().contains("member " + joined.memberId() + " stays registered"),
        reset.out());
    assertFalse(Files.exists(alice.dir()));
    assertTrue(Files.exists(bob.meshJson()), "other meshes are untouched");

    Run uninstall = run("daemon", "uninstall", "--yes");
    assertEquals(0, uninstall.code(), uninstall.err());
    assertFalse(Files.exists(tmp.resolve("home")));
    assertEquals(0, run("daemon", "uninstall", "--yes").code(), "nothing left is fine");
  }

  // ------------------------------------------------------------------- identity and the archive

  @Test
  void acceptHostResolvesACloneRefusalAndRefusesWhileADaemonRuns() throws Exception {
    DaemonPaths alice = join("alice");
    Files.writeString(alice.configToml(), "[clone]\nid_override = \"a-different-host\"\n");
    assertEquals(4, run("daemon", "up", "--foreground", "--persistent", "--mesh", "alice").code());
    String key = Files.readString(alice.keypairJson());

    Run accepted = run("daemon", "accept-host", "--mesh", "alice");
    assertEquals(0, accepted.code(), accepted.err());
    assertEquals(key, Files.readString(alice.keypairJson()), "accept-host keeps the keys");
    try (DaemonRuntime daemon = start(env, "alice")) {
      Run busy = run("daemon", "accept-host", "--mesh", "alice");
      assertEquals(1, busy.code());
      assertTrue(busy.err().contains("stop it first"), busy.err());
      assertEquals(1, run("daemon", "remint", "--invite", "x", "--mesh", "alice").code());
    }
  }

  @Test
  void remintJoinsAsANewMemberWithAnInvite() throws Exception {
    DaemonPaths alice = join("alice");
    MeshConfig before = MeshConfig.read(alice.meshJson());
    String key = Files.readString(alice.keypairJson());
    Files.writeString(alice.configToml(), "[clone]\nid_override = \"the-clone\"\n");

    Run noInvite = run("daemon", "remint", "--mesh", "alice");
    assertEquals(2, noInvite.code());
    assertTrue(noInvite.err().contains("--invite"), noInvite.err());
    Run badInvite = run("daemon", "remint", "--invite", "not-an-invite", "--mesh", "alice");
    assertEquals(1, badInvite.code());
    assertEquals(key, Files.readString(alice.keypairJson()), "a refused invite changes nothing");

    Run reminted = run("daemon", "remint", "--invite", broker.createInvite("team", 1, false),
        "--mesh", "alice");
    assertEquals(0, reminted.code(), reminted.err());
    MeshConfig after = MeshConfig.read(alice.meshJson());
    assertNotEquals(before.memberId(), after.memberId());
    assertEquals(before.meshId(), after.meshId());
    assertEquals("alice", after.displayName());
    assertNotEquals(key, Files.readString(alice.keypairJson()));
    try (var kept = Files.list(alice.dir())) {
      assertEquals(1, kept.filter(p -> p.getFileName().toString()
          .startsWith("keypair.json.replaced-")).count());
    }
    try (var siblings = Files.list(alice.dir().getParent())) {
      assertEquals(1, siblings.count(), "no staging directory left");
    }
    try (DaemonRuntime daemon = start(env, "alice")) {
      awaitConnected("alice");
    }
  }

  @Test
  void rotateKeypairSaysWhatIsMissing() throws Exception {
    DaemonPaths alice = join("alice");
    String key = Files.readString(alice.keypairJson());
    Run r = run("daemon", "rotate-keypair", "--mesh", "alice");
    assertEquals(1, r.code());
    assertTrue(r.err().contains("not supported yet: the broker has no rotate_keypair request"),
        r.err());
    assertEquals(key, Files.readString(alice.keypairJson()));
  }

  @Test
  void archiveCleanupRemovesExpiredKeysAndNamesThem() throws Exception {
    DaemonPaths alice = join("alice");
    Instant tenDaysAgo = Instant.now().minus(Duration.ofDays(10));
    KeyArchive past = KeyArchive.load(alice.keypairArchive(),
        Clock.fixed(tenDaysAgo, ZoneOffset.UTC));
    Ed25519SigningKey expired = Ed25519SigningKey.generate();
    Ed25519SigningKey active = Ed25519SigningKey.generate();
    String expiredId = past.archive(expired, tenDaysAgo, Duration.ofDays(1)).keyId();
    String activeId = past.archive(active, tenDaysAgo, Duration.ofDays(20)).keyId();

    Run r = run("daemon", "archive-cleanup", "--mesh", "alice");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("removed " + expiredId), r.out());
    assertFalse(r.out().contains(activeId), r.out());
    assertTrue(r.out().contains("1 expired key(s) removed, 1 still in their grace period"),
        r.out());
    assertEquals(1, KeyArchive.load(alice.keypairArchive(), Clock.systemUTC()).size());
    assertTrue(run("daemon", "archive-cleanup", "--mesh", "alice").out()
        .contains("0 expired key(s) removed"));
  }

  // ------------------------------------------------------------------------------------- logs

  @Test
  void logsPrintsTheLastLines() throws Exception {
    DaemonPaths alice = join("alice");
    StringBuilder log = new StringBuilder();
    for (int i = 1; i <= 10; i++) {
      log.append("{\"line\":").append(i).append("}\n");
    }
    Files.writeString(alice.daemonLog(), log);
    Run r = run("daemon", "logs", "--lines", "3", "--mesh", "alice");
    assertEquals(0, r.code(), r.err());
    assertEquals("{\"line\":8}\n{\"line\":9}\n{\"line\":10}\n", r.out());
    assertEquals(log.toString(), run("daemon", "logs", "-n", "100", "--mesh", "alice").out());
    Files.delete(alice.daemonLog());
    assertEquals(1, run("daemon", "logs", "--mesh", "alice").code());
  }

  @Test
  void logsFollowPrintsAppendedLinesUntilInterrupted() throws Exception {
    DaemonPaths alice = join("alice");
    Files.writeString(alice.daemonLog(), "{\"line\":1}\n");
    StringWriter out = new StringWriter();
    Thread follower = new Thread(() -> Main.run(new String[] {"daemon", "logs", "-f", "--mesh",
        "alice"}, env, new PrintWriter(out, true), new PrintWriter(new StringWriter(), true)));
    follower.start();
    Files.writeString(alice.daemonLog(), "{\"line\":\"\u00e9t\u00e9 2\"}\n",
        java.nio.file.StandardOpenOption.APPEND);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!out.toString().contains("\u00e9t\u00e9 2") && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    follower.interrupt();
    follower.join(5_000);
    assertFalse(follower.isAlive(), "an interrupt ends following");
    assertEquals("{\"line\":1}\n{\"line\":\"\u00e9t\u00e9 2\"}\n", out.toString());
  }

  @Test
  void lineBridgePrintsWholeCharactersAndLines() {
    StringWriter text = new StringWriter();
    LineBridge bridge = new LineBridge(new PrintWriter(text, true));
    byte[] utf8 = "ab \u00e9\nc".getBytes(StandardCharsets.UTF_8);
    bridge.write(utf8, 0, 4); // ends inside the two bytes of the e-acute
    bridge.flush();
    assertEquals("", text.toString());
    bridge.write(utf8, 4, utf8.length - 4);
    bridge.flush();
    assertEquals("ab \u00e9\n", text.toString());
    bridge.close();
    assertEquals("ab \u00e9\nc", text.toString());
  }

  // ---------------------------------------------------------------------------------- support

  /** A daemon as `daemon up --foreground` runs it: closed once a stop is requested. */
  private static DaemonRuntime start(Map<String, String> environment, String name)
      throws Exception {
    DaemonRuntime daemon = DaemonRuntime.start(new DaemonRuntime.Options(
        DaemonPaths.resolve(environment, name)).env(environment).persistent(true));
    Thread closer = new Thread(() -> {
      try {
        daemon.awaitStop();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      daemon.close();
    }, "test-daemon-" + name);
    closer.setDaemon(true);
    closer.start();
    return daemon;
  }

  private void awaitConnected(String mesh) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      if (run("daemon", "status", "--json", "--mesh", mesh).out().contains("\"connected\":true")) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(mesh + " did not connect");
  }
}
