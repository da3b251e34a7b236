package dev.claudemesh.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.broker.ReferenceBroker;
import dev.claudemesh.core.identity.DaemonPaths;
import dev.claudemesh.daemon.DaemonRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code claudemesh} command in-process against a real reference broker and a real daemon
 * runtime: exit codes of SPEC §10.1, mesh selection, join, auto-routing through the socket, and
 * the control commands.
 */
class CliTest {
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
    return Run.exec(env, args);
  }

  @Test
  void noCommandIsAUsageError() {
    Run r = run();
    assertEquals(2, r.code());
    assertTrue(r.err().contains("claudemesh demo"), r.err());
    assertEquals(2, run("no-such-command").code());
    assertEquals(2, run("daemon").code());
    assertEquals(2, run("daemon", "up", "--ttl", "2h").code(), "--ttl without --ephemeral");
  }

  @Test
  void versionAndHelpExitZero() {
    Run v = run("--version");
    assertEquals(0, v.code());
    assertTrue(v.out().startsWith("claudemesh "), v.out());
    Run h = run("--help");
    assertEquals(0, h.code());
    for (String command : new String[] {"dev", "demo", "join", "send", "inbox", "peers", "daemon"}) {
      assertTrue(h.out().contains(command), command + " in " + h.out());
    }
  }

  @Test
  void anInviteOrMessageBeginningWithADashIsAnArgument() throws Exception {
    String invite = broker.createInvite("team", 1, false);
    Run joined = run("join", broker.wsUrl(), invite, "--mesh", "dash");
    assertEquals(0, joined.code(), joined.err());
    assertFalse(invite.startsWith("-"), "the reference broker never mints a token beginning with -");
    // a token of another broker that begins with '-' (not a known short option): the parser takes
    // it as the INVITE argument, and this broker refuses it
    Run dashed = run("join", broker.wsUrl(), "-Q" + invite.substring(2), "--mesh", "dash2");
    assertEquals(1, dashed.code(), dashed.err());
    assertFalse(dashed.err().contains("Missing required parameter"), dashed.err());
    Run message = run("send", "bob", "-1 is not an option", "--mesh", "dash");
    assertEquals(1, message.code());
    assertTrue(message.err().contains("claudemesh daemon up"), message.err());
  }

  @Test
  void nothingJoinedOrUnknownMeshIsExitTwo() {
    Run none = run("send", "bob", "hi");
    assertEquals(2, none.code());
    assertTrue(none.err().contains("claudemesh join"), none.err());
    assertEquals(2, run("daemon", "status", "--mesh", "nope").code());
    assertEquals(2, run("inbox", "--mesh", "../escape").code());
  }

  @Test
  void joinNamesTheDirectoryAfterTheMeshAndRefusesASecondJoin() throws Exception {
    Run joined = run("join", broker.wsUrl(), broker.createInvite("team", 1, false));
    assertEquals(0, joined.code(), joined.err());
    assertTrue(joined.out().contains("joined mesh team as tester@box"), joined.out());
    Path dir = tmp.resolve("home/daemon/team");
    assertTrue(Files.isRegularFile(dir.resolve("mesh.json")));
    assertTrue(Files.isRegularFile(dir.resolve("keypair.json")));
    try (var leftovers = Files.list(tmp.resolve("home/daemon"))) {
      assertEquals(1, leftovers.count(), "no staging directory is left behind");
    }
    Run again = run("join", broker.wsUrl(), broker.createInvite("team", 1, false));
    assertEquals(1, again.code());
    assertTrue(again.err().contains("already joined"), again.err());

    Run bad = run("join", broker.wsUrl(), "not-an-invite", "--mesh", "other");
    assertEquals(1, bad.code());
    assertFalse(Files.exists(tmp.resolve("home/daemon/other/mesh.json")));
  }

  @Test
  void commandsRouteThroughTheRunningDaemonAndFailWithAHintWithoutOne() throws Exception {
    assertEquals(0, run("join", broker.wsUrl(), broker.createInvite("team", 1, false),
        "--name", "alice", "--mesh", "alice").code());
    assertEquals(0, run("join", broker.wsUrl(), broker.createInvite("team", 1, false),
        "--name", "bob", "--mesh", "bob").code());

    Run down = run("send", "bob", "hi", "--mesh", "alice");
    assertEquals(1, down.code());
    assertTrue(down.err().contains("claudemesh daemon up"), down.err());
    assertEquals(1, run("daemon", "status", "--mesh", "alice").code());
    assertEquals(2, run("send", "bob", "hi").code(), "two meshes joined and no --mesh");

    try (DaemonRuntime alice = start("alice"); DaemonRuntime bob = start("bob")) {
      awaitConnected("alice");
      awaitConnected("bob");
      Run status = run("daemon", "status", "--mesh", "alice");
      assertEquals(0, status.code(), status.err());
      assertTrue(status.out().contains("connected       true"), status.out());
      assertTrue(run("daemon", "status", "--json", "--mesh", "alice").out()
          .contains("\"connected\":true"));
      assertTrue(run("daemon", "version", "--mesh", "alice").out().contains("ipc api v1"));

      Run peers = run("peers", "--mesh", "alice");
      assertEquals(0, peers.code(), peers.err());
      assertTrue(peers.out().contains("bob"), peers.out());

      Run sent = run("send", "bob", "hello from the command line", "--key", "cli-1",
          "--mesh", "alice");
      assertEquals(0, sent.code(), sent.err());
      assertTrue(sent.out().startsWith("cli-1 "), sent.out());
      Run conflict = run("send", "bob", "another body", "--key", "cli-1", "--mesh", "alice");
      assertEquals(1, conflict.code());
      assertTrue(conflict.err().contains("409 idempotency_key_reused"), conflict.err());
      Run unknown = run("send", "nobody", "hi", "--mesh", "alice");
      assertEquals(1, unknown.code());
      assertTrue(unknown.err().contains("destination_unresolvable"), unknown.err());

      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      Run inbox;
      do {
        inbox = run("inbox", "--json", "--mesh", "bob");
        assertEquals(0, inbox.code(), inbox.err());
      } while (!inbox.out().contains("cli-1") && System.nanoTime() < deadline);
      assertTrue(inbox.out().contains("hello from the command line"), inbox.out());
      assertTrue(run("inbox", "--mesh", "bob").out().contains("hello from the command line"));

      Files.writeString(tmp.resolve("home/daemon/alice/config.toml"),
          "[ipc]\norigin_allowlist = [\"https://app.example\"]\n[clone]\npolicy = \"warn\"\n");
      Run reload = run("daemon", "reload", "--mesh", "alice");
      assertEquals(0, reload.code(), reload.err());
      assertTrue(reload.out().contains("applied: [[ipc] origin_allowlist]"), reload.out());
      assertTrue(reload.out().contains("need a restart: [[clone] policy]"), reload.out());

      String before = Files.readString(tmp.resolve("home/daemon/alice/local_token"));
      assertEquals(0, run("daemon", "rotate-token", "--mesh", "alice").code());
      assertFalse(before.equals(Files.readString(tmp.resolve("home/daemon/alice/local_token"))));

      Run stop = run("daemon", "down", "--mesh", "bob");
      assertEquals(0, stop.code(), stop.err());
      assertTrue(stop.out().contains("daemon stopped"), stop.out());
      assertTrue(bob.awaitStop(Duration.ofSeconds(5)), "down asked the runtime to stop");
    }
  }

  @Test
  void aRefusedCloneIsExitFourAndOtherFailuresExitOne() throws Exception {
    assertEquals(0, run("join", broker.wsUrl(), broker.createInvite("team", 1, false),
        "--mesh", "alice").code());
    // another host id than the one recorded at join: the clone check refuses (policy refuse)
    Files.writeString(tmp.resolve("home/daemon/alice/config.toml"),
        "[clone]\nid_override = \"a-different-host\"\n");
    Run up = run("daemon", "up", "--foreground", "--persistent", "--mesh", "alice");
    assertEquals(4, up.code(), up.err());
    assertTrue(up.err().contains("accept-host"), up.err());

    Files.writeString(tmp.resolve("home/daemon/alice/config.toml"), "[ipc]\nhttp_port = 70000\n");
    Run bad = run("daemon", "up", "--foreground", "--persistent", "--mesh", "alice");
    assertEquals(1, bad.code());
    assertTrue(bad.err().contains("http_port"), bad.err());
    assertEquals(2, Main.exitCode(new MeshLocator.MeshNotFoundException("x")));
  }

  @Test
  void anEphemeralDaemonJoinsAFreshMemberKeepsNoKeyAndStopsAtItsTtl() throws Exception {
    env.put("CI", "true");
    Run noInvite = run("daemon", "up", "--foreground", "--mesh", "runner");
    assertEquals(2, noInvite.code());
    assertTrue(noInvite.err().contains("CLAUDEMESH_INVITE"), noInvite.err());
    assertEquals(2, run("daemon", "up", "--ephemeral", "--ttl", "soon").code());

    DaemonPaths paths = DaemonPaths.resolve(env, "runner");
    String invite = broker.createInvite("team", 2, true);
    java.util.List<String> members = new java.util.ArrayList<>();
    for (int life = 0; life < 2; life++) {
      long started = System.nanoTime();
      try (DaemonRuntime daemon = DaemonRuntime.start(new DaemonRuntime.Options(paths).env(env)
          .ephemeralJoin(broker.wsUrl(), invite, "ci-runner").ttl(Duration.ofSeconds(2)))) {
        assertFalse(Files.exists(paths.keypairJson()), "no key on disk");
        members.add(daemon.peer().memberPubkey());
        awaitConnected("runner");
        assertTrue(daemon.awaitStop(Duration.ofSeconds(10)), "the ttl stops it");
        assertTrue(System.nanoTime() - started >= Duration.ofSeconds(2).toNanos());
      }
    }
    assertFalse(members.get(0).equals(members.get(1)), "a fresh member at every start");
    try (var files = Files.list(paths.dir())) {
      assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("outbox.db.previous-")),
          "the first member's outbox was set aside, not sent under the second");
    }
  }

  @Test
  void anEphemeralDaemonRefusesTheDirectoryOfAPersistentMember() throws Exception {
    assertEquals(0, run("join", broker.wsUrl(), broker.createInvite("team", 1, false),
        "--mesh", "alice").code());
    env.put("CI", "true");
    DaemonPaths paths = DaemonPaths.resolve(env, "alice");
    IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalStateException.class, () -> DaemonRuntime.start(new DaemonRuntime.Options(paths)
            .env(env).ephemeralJoin(broker.wsUrl(), broker.createInvite("team", 1, true), "x")));
    assertTrue(e.getMessage().contains("persistent member"), e.getMessage());
    assertTrue(Files.exists(paths.keypairJson()));
  }

  /** A daemon as `daemon up --foreground` runs it: closed once a stop is requested. */
  private DaemonRuntime start(String name) throws Exception {
    DaemonRuntime daemon = DaemonRuntime.start(new DaemonRuntime.Options(
        DaemonPaths.resolve(env, name)).env(env).persistent(true));
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
