package dev.claudemesh.daemon.hooks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@EnabledOnOs({OS.LINUX, OS.MAC})
class HookProcessTest {
  private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin");
  private static final NetworkIsolation NONE = NetworkIsolation.unavailable("not in this test");
  private static final HookProcess.Limits LIMITS =
      new HookProcess.Limits(Duration.ofSeconds(60), Duration.ofSeconds(1), 64 * 1024, true);

  @TempDir Path dir;

  private Path script(String name, String body) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, "#!/bin/sh\n" + body + "\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    return file;
  }

  private HookProcess.Result run(Path executable, byte[] stdin, HookProcess.Limits limits)
      throws IOException {
    return HookProcess.run(executable, dir, ENV, stdin, limits, false, NONE);
  }

  private static HookProcess.Limits timeout(Duration timeout, boolean killProcessGroup) {
    return new HookProcess.Limits(timeout, Duration.ofSeconds(1), 64 * 1024, killProcessGroup);
  }

  private long pid(String file) throws IOException {
    return Long.parseLong(Files.readString(dir.resolve(file), StandardCharsets.US_ASCII).strip());
  }

  /** Alive and not a zombie (an orphan's exit may not be reaped at once in a container). */
  private static boolean alive(long pid) {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    if (Files.isDirectory(Path.of("/proc/self"))) {
      try {
        String line = Files.readString(stat, StandardCharsets.ISO_8859_1);
        char state = line.charAt(line.lastIndexOf(')') + 2);
        return state != 'Z' && state != 'X';
      } catch (IOException gone) {
        return false;
      }
    }
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Test
  void theEnvironmentIsExactlyTheOnePassed() throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CLAUDEMESH_MESH", "team");
    env.put("CLAUDEMESH_HOOK_NAME", "on-message");
    env.put("CLAUDEMESH_EVENT_ID", "01HZX");
    env.put("CLAUDEMESH_DAEMON_SOCK", dir.resolve("daemon.sock").toString());
    env.put("CLAUDEMESH_CAPABILITY_TOKEN", "cap-secret-value");
    env.put("PATH", "/usr/bin:/bin");

    // env itself as the hook: a shell would add PWD, SHLVL or _ of its own
    HookProcess.Result result =
        HookProcess.run(Path.of("/usr/bin/env"), dir, env, new byte[0], LIMITS, false, NONE);

    Map<String, String> seen = new LinkedHashMap<>();
    for (String line : text(result.stdout()).split("\n")) {
      if (!line.isEmpty()) {
        int eq = line.indexOf('=');
        seen.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    assertEquals(env, seen);
    assertFalse(seen.containsKey("HOME"));
    assertFalse(seen.containsKey("USER"));
    assertFalse(seen.containsKey("JAVA_HOME"));
    assertEquals(0, result.exitCode());
    assertFalse(result.toString().contains("cap-secret-value"), result.toString());
  }

  @Test
  void stdinArrivesByteExact() throws IOException {
    byte[] event = new byte[300_000];
    new Random(7).nextBytes(event);
    Path hook = script("echo-back.sh", "cat > event.bin\ncat event.bin");

    HookProcess.Result result =
        run(
            hook,
            event,
            new HookProcess.Limits(Duration.ofSeconds(60), Duration.ofSeconds(1), 1 << 20, true));

    assertEquals(0, result.exitCode());
    assertArrayEquals(event, Files.readAllBytes(dir.resolve("event.bin")));
    assertArrayEquals(event, result.stdout());
    assertEquals(event.length, result.stdoutBytes());
  }

  @Test
  void aHookThatIgnoresItsStdinStillCompletes() throws IOException {
    byte[] event = new byte[1 << 20];
    HookProcess.Result ignoring = run(script("ignore.sh", "exit 0"), event, LIMITS);
    HookProcess.Result partly =
        run(script("partly.sh", "head -c 10 > /dev/null\nexit 3"), event, LIMITS);

    assertEquals(0, ignoring.exitCode());
    assertFalse(ignoring.timedOut());
    assertEquals(3, partly.exitCode());
    assertFalse(partly.timedOut());
  }

  @Test
  void exitCodesPassThrough() throws IOException {
    assertEquals(0, run(script("ok.sh", "exit 0"), new byte[0], LIMITS).exitCode());
    Path failing = script("fail.sh", "echo no >&2\nexit 42");
    assertEquals(42, run(failing, new byte[0], LIMITS).exitCode());
    HookProcess.Result signalled = run(script("self-kill.sh", "kill -9 $$"), new byte[0], LIMITS);
    assertEquals(128 + 9, signalled.exitCode());
  }

  @Test
  void outputIsCappedAndCounted() throws IOException {
    Path hook =
        script(
            "loud.sh",
            "head -c 1048576 /dev/zero\nhead -c 100000 /dev/zero >&2\necho done >&2");

    HookProcess.Result result = run(hook, new byte[0], LIMITS);

    assertEquals(0, result.exitCode());
    assertEquals(65536, result.stdout().length);
    assertEquals(1048576, result.stdoutBytes());
    assertEquals(65536, result.stderr().length);
    assertEquals(100005, result.stderrBytes());
    assertFalse(result.toString().contains("stdout=["), result.toString());
  }

  @Test
  void aHookThatIgnoresTermIsKilledAfterTheGrace() throws IOException {
    Path hook = script("stubborn.sh", "trap '' TERM\necho $$ > main.pid\nsleep 1000");

    HookProcess.Result result = run(hook, new byte[0], timeout(Duration.ofSeconds(1), true));

    assertTrue(result.timedOut());
    assertTrue(result.killed());
    assertEquals(128 + 9, result.exitCode());
    assertFalse(alive(pid("main.pid")));
  }

  @Test
  void aHookThatStopsOnTermIsNotKilled() throws IOException {
    HookProcess.Result result =
        run(script("slow.sh", "sleep 1000"), new byte[0], timeout(Duration.ofSeconds(1), true));

    assertTrue(result.timedOut());
    assertFalse(result.killed());
    assertEquals(128 + 15, result.exitCode());
  }

  private static final String FORKING =
      "sleep 1000 &\n"
          + "echo $! > background.pid\n"
          + "( sleep 1001 & echo $! > double.pid ) &\n"
          + "sleep 1003 &\n"
          + "echo $! > foreground.pid\n"
          + "wait $!\n";

  @Test
  void onTimeoutNothingOfTheGroupSurvives() throws IOException {
    assertNothingSurvivesTimeout(true);
  }

  @Test
  void onTimeoutWithoutGroupKillTheLeftoversAreStillCleanedUp() throws IOException {
    HookProcess.Result result = assertNothingSurvivesTimeout(false);
    assertTrue(result.leftoversKilled() >= 1, result.toString());
  }

  private HookProcess.Result assertNothingSurvivesTimeout(boolean killProcessGroup)
      throws IOException {
    Path hook = script("forking.sh", FORKING);

    HookProcess.Result result =
        run(hook, new byte[0], timeout(Duration.ofSeconds(2), killProcessGroup));

    assertTrue(result.timedOut(), result.toString());
    List<Long> pids = new ArrayList<>();
    for (String file : List.of("background.pid", "double.pid", "foreground.pid")) {
      pids.add(pid(file));
    }
    for (long pid : pids) {
      assertFalse(alive(pid), "pid " + pid + " of " + pids + " still alive; " + result);
    }
    return result;
  }

  @Test
  void aBackgroundProcessLeftByAHookThatExitedIsKilledWithoutWaitingForIt() throws IOException {
    Path hook = script("leaves.sh", "sleep 1002 &\necho $! > left.pid\nexit 0");
    long start = System.nanoTime();

    HookProcess.Result result = run(hook, new byte[0], LIMITS);

    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertTrue(took.compareTo(Duration.ofSeconds(30)) < 0, "took " + took);
    assertEquals(0, result.exitCode());
    assertFalse(result.timedOut());
    assertEquals(1, result.leftoversKilled(), result.toString());
    assertFalse(alive(pid("left.pid")));
  }

  @Test
  void aTrivialHookLeavesNothingToClean() throws IOException {
    HookProcess.Result result = run(script("trivial.sh", "echo hi"), new byte[0], LIMITS);

    assertEquals("hi\n", text(result.stdout()));
    assertEquals(0, result.leftoversKilled());
    assertFalse(result.networkIsolated());
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().startsWith("claudemesh-hook-io")) {
        assertTrue(thread.isDaemon(), thread.getName());
      }
    }
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void withIsolationTheHookSeesOnlyLoopback() throws IOException {
    NetworkIsolation isolation = NetworkIsolation.probe();
    assumeTrue(isolation.available(), isolation.describe());
    Path hook = script("interfaces.sh", "cat /proc/net/dev");

    HookProcess.Result isolated =
        HookProcess.run(hook, dir, ENV, new byte[0], LIMITS, true, isolation);
    HookProcess.Result open =
        HookProcess.run(hook, dir, ENV, new byte[0], LIMITS, false, isolation);

    List<String> outside = interfaces(open.stdout());
    assumeTrue(outside.size() > 1, "this machine has only " + outside);
    assertTrue(isolated.networkIsolated());
    assertEquals(List.of("lo"), interfaces(isolated.stdout()), text(isolated.stderr()));
    assertFalse(open.networkIsolated());
    assertTrue(outside.contains("lo"), outside.toString());
  }

  private static List<String> interfaces(byte[] procNetDev) {
    List<String> names = new ArrayList<>();
    for (String line : text(procNetDev).split("\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && !line.contains("|")) {
        names.add(line.substring(0, colon).strip());
      }
    }
    return names;
  }

  @Test
  void unavailableIsolationRunsTheHookWithoutIt() throws IOException {
    NetworkIsolation isolation = NetworkIsolation.unavailable("x");
    HookProcess.Result result =
        HookProcess.run(
            script("plain.sh", "exit 0"), dir, ENV, new byte[0], LIMITS, true, isolation);

    assertFalse(isolation.available());
    assertTrue(isolation.commandPrefix().isEmpty());
    assertTrue(isolation.describe().contains("x"), isolation.describe());
    assertFalse(result.networkIsolated());
    assertEquals(0, result.exitCode());
  }

  @Test
  void aFileThatIsNotExecutableIsNotStarted() throws IOException {
    Path file = dir.resolve("not-executable.sh");
    Files.writeString(file, "#!/bin/sh\nexit 0\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    Path missing = dir.resolve("missing.sh");

    IOException notExecutable =
        assertThrows(IOException.class, () -> run(file, new byte[0], LIMITS));
    IOException notThere = assertThrows(IOException.class, () -> run(missing, new byte[0], LIMITS));

    assertTrue(
        notExecutable.getMessage().contains("not-executable.sh"), notExecutable.getMessage());
    assertTrue(notThere.getMessage().contains("missing.sh"), notThere.getMessage());
  }
}
