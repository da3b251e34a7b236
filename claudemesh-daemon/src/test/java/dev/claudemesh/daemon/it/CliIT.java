package dev.claudemesh.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.core.identity.DaemonPaths;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code claudemesh} command's exit codes and messages (SPEC §10.1), run from the jar. */
class CliIT {
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
  private static final String SOME_MEMBER = "ab".repeat(32);

  @TempDir Path tmp;

  @AfterEach
  void noChildLeft() throws InterruptedException {
    JarDaemon.killAll();
  }

  @Test
  void demoExitsZeroAndPrintsDoneUnderCi() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    env.put("CI", "true");
    env.put(DaemonPaths.ENV_HOME, tmp.resolve("home").toString());
    env.put("TMPDIR", tmp.toString());
    JarDaemon.Result demo = JarDaemon.run(env, Duration.ofSeconds(120), "demo");

    assertEquals(0, demo.exitCode(), demo::toString);
    assertTrue(Pattern.compile("(?m)^\\[[0-9.]+ ms] done +every step held in [0-9.]+ ms$")
        .matcher(demo.stdout()).find(), demo::toString);
  }

  @Test
  void withoutARunningDaemonSendAndStatusFailNamingDaemonUp() throws Exception {
    try (TestMesh mesh = TestMesh.start(tmp)) {
      mesh.joinWithJar("alice");

      JarDaemon.Result send = JarDaemon.run(mesh.env(), COMMAND_TIMEOUT,
          "send", "--mesh", "alice", SOME_MEMBER, "hello");
      assertEquals(1, send.exitCode(), send::toString);
      assertTrue(send.stderr().contains("claudemesh daemon up"), send::toString);

      JarDaemon.Result status = JarDaemon.run(mesh.env(), COMMAND_TIMEOUT,
          "daemon", "status", "--mesh", "alice");
      assertEquals(1, status.exitCode(), status::toString);
    }
  }

  @Test
  void aMeshThatWasNeverJoinedIsExitCodeTwo() throws Exception {
    try (TestMesh mesh = TestMesh.start(tmp)) {
      mesh.joinWithJar("alice");

      JarDaemon.Result send = JarDaemon.run(mesh.env(), COMMAND_TIMEOUT,
          "send", "--mesh", "nope", SOME_MEMBER, "hello");
      assertEquals(2, send.exitCode(), send::toString);
      assertTrue(send.stderr().contains("nope"), send::toString);

      JarDaemon.Result status = JarDaemon.run(mesh.env(), COMMAND_TIMEOUT,
          "daemon", "status", "--mesh", "nope");
      assertEquals(2, status.exitCode(), status::toString);
    }
  }
}
