package dev.claudemesh.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.claudemesh.core.identity.DaemonPaths;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operations from the jar: {@code daemon install-service --dry-run} prints a unit that
 * {@code systemd-analyze verify} accepts, {@code /v1/metrics} of a running daemon parses with the
 * Prometheus client's own parser, and {@code daemon.log} holds JSON lines, mode 0600.
 */
class OpsIT {
  private static final Path SYSTEMD_ANALYZE = Path.of("/usr/bin/systemd-analyze");
  private static final Path PYTHON = Path.of("/usr/bin/python3");

  @TempDir Path tmp;
  private TestMesh mesh;

  @AfterEach
  void stop() throws Exception {
    JarDaemon.killAll();
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  void installServiceDryRunPrintsAUnitThatSystemdAnalyzeVerifies() throws Exception {
    require(SYSTEMD_ANALYZE);
    mesh = TestMesh.start(tmp);
    mesh.joinWithJar("alice");
    JarDaemon.Result dry = JarDaemon.run(mesh.env(), Duration.ofSeconds(60), "daemon",
        "install-service", "--dry-run", "--mesh", "alice");
    assertEquals(0, dry.exitCode(), dry::toString);
    assertTrue(dry.stdout().contains("ExecStart="), dry::toString);
    assertTrue(dry.stdout().contains("\"--persistent\""), dry::toString);
    Path unit = tmp.resolve("claudemesh-alice.service");
    Files.writeString(unit, dry.stdout(), StandardCharsets.UTF_8);
    Process verify = new ProcessBuilder(SYSTEMD_ANALYZE.toString(), "verify", unit.toString())
        .redirectErrorStream(true).start();
    String out = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(verify.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, verify.exitValue(), out);
    assertTrue(out.lines().noneMatch(l -> l.contains(unit.getFileName().toString())), out);
  }

  @Test
  void metricsOfARunningDaemonParseAndItsLogIsPrivateJsonLines() throws Exception {
    mesh = TestMesh.start(tmp);
    DaemonPaths alice = mesh.joinWithJar("alice");
    JarDaemon daemon = JarDaemon.start(mesh.env(), alice, "alice");
    assertEquals(200, SocketHttp.get(daemon.socket(), "/v1/version").status());
    SocketHttp.Reply metrics = SocketHttp.get(daemon.socket(), "/v1/metrics");
    assertEquals(200, metrics.status(), metrics::toString);
    for (String name : List.of("cm_daemon_connected", "cm_daemon_outbox_depth",
        "cm_daemon_ipc_request_total", "cm_daemon_ipc_duration_seconds_bucket")) {
      assertTrue(metrics.body().contains(name), name);
    }
    if (Files.isExecutable(PYTHON) && parserInstalled()) {
      Process parse = new ProcessBuilder(PYTHON.toString(), "-c", String.join("\n",
          "import sys",
          "from prometheus_client.parser import text_string_to_metric_families",
          "print(sum(len(f.samples) for f in text_string_to_metric_families(sys.stdin.read())))"))
          .redirectErrorStream(true).start();
      parse.getOutputStream().write(metrics.body().getBytes(StandardCharsets.UTF_8));
      parse.getOutputStream().close();
      String out = new String(parse.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(parse.waitFor(60, TimeUnit.SECONDS));
      assertEquals(0, parse.exitValue(), out);
      assertTrue(Integer.parseInt(out.trim()) > 10, out);
    } else if ("true".equals(System.getenv("CI"))) {
      fail("python3-prometheus-client is needed for the metrics check (.ci/run installs it)");
    }

    Path log = alice.daemonLog();
    assertTrue(Files.isRegularFile(log), "daemon.log exists");
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(log)));
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    assertTrue(lines.size() > 3, "the daemon logged: " + lines);
    for (String line : lines) {
      assertTrue(line.startsWith("{\"timestamp\":") && line.endsWith("}"), line);
    }
    String all = String.join("\n", lines);
    assertTrue(all.contains("effective config"), "the config is logged at start");
    String token = Files.readString(alice.localToken(), StandardCharsets.US_ASCII).trim();
    assertTrue(!all.contains(token), "the local token is never logged");
  }

  private static boolean parserInstalled() throws Exception {
    Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import prometheus_client.parser")
        .redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
  }

  private static void require(Path tool) {
    if (!Files.isExecutable(tool)) {
      if ("true".equals(System.getenv("CI"))) {
        fail(tool + " is needed for this acceptance test");
      }
      Assumptions.abort(tool + " is not installed");
    }
  }
}
