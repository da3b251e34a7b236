package dev.claudemesh.daemon.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.claudemesh.api.ApiJson;
import dev.claudemesh.api.Routes;
import dev.claudemesh.core.Peer;
import dev.claudemesh.core.SendRequest;
import dev.claudemesh.core.fingerprint.DestinationKind;
import dev.claudemesh.core.identity.DaemonPaths;
import dev.claudemesh.core.identity.LocalTokens;
import dev.claudemesh.core.store.OutboxStatus;
import dev.claudemesh.daemon.ipc.UdsHttp.Reply;
import dev.claudemesh.daemon.metrics.DaemonMetrics;
import dev.claudemesh.testing.MeshHarness;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /v1/metrics} of a running IPC server wired to a real peer of a real mesh (in-process
 * reference broker): the text is checked by a real Prometheus parser (the Python client's, from
 * the Debian package {@code python3-prometheus-client}) and every SPEC §10.4 daemon metric is
 * looked for with its labels. Without the parser the parser checks are skipped, except under
 * {@code CI=true}, where they fail.
 */
class MetricsRouteTest {
  /** Parses stdin as Prometheus text and prints one JSON line per sample: [name, labels, value]. */
  private static final String PARSE_SCRIPT = String.join("\n",
      "import json, sys",
      "from prometheus_client.parser import text_string_to_metric_families",
      "for family in text_string_to_metric_families(sys.stdin.read()):",
      "    for s in family.samples:",
      "        print(json.dumps([s.name, s.labels, s.value]))");
  private static final List<String> PYTHONS = List.of("/usr/bin/python3", "python3");

  @TempDir Path tmp;

  private MeshHarness mesh;
  private Peer alice;
  private Peer bob;
  private LocalTokens tokens;
  private IpcServer server;
  private final OkHttpClient http = new OkHttpClient();

  /** One parsed sample. */
  record Sample(String name, Map<String, String> labels, double value) {}

  @BeforeEach
  void setUp() throws Exception {
    mesh = MeshHarness.builder(tmp).start();
    alice = mesh.peer("alice");
    bob = mesh.peer("bob");
    DaemonPaths paths = mesh.paths("alice");
    tokens = LocalTokens.openOrCreate(paths.localToken(), Clock.systemUTC());
    server = IpcServer.builder(paths).tokens(tokens).tcp(true, 0)
        .health(PeerPorts.health(alice))
        .metrics(DaemonMetrics.forPeer(alice))
        .build();
    server.start();
  }

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
    if (mesh != null) {
      mesh.close();
    }
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  @Test
  void metricsParseAsPrometheusExpositionAndCarryEverySpecNameWithItsLabels() throws Exception {
    String python = parserOrSkip();
    // traffic of every kind: a DM each way, a broker restart (a reconnect), guard refusals, a 404
    alice.send(SendRequest.of(bob.memberPubkey(), "hello bob"));
    bob.send(SendRequest.of(alice.memberPubkey(), "hello alice"));
    awaitTrue("both DMs settled", () -> alice.outbox().depth().get(OutboxStatus.DONE) == 1
        && alice.inbound().receivedCount(DestinationKind.DM) == 1);
    mesh.restartBroker(); // after the ack: a restart with the DM in flight would make it a duplicate
    MeshHarness.awaitConnected(alice, Duration.ofSeconds(20));
    assertEquals(200, UdsHttp.get(server.socket(), Routes.HEALTH).status());
    assertEquals(404, UdsHttp.get(server.socket(), "/v1/no/such/route?x=1").status());
    try (Response refused = tcp(Routes.METRICS, null)) {
      assertEquals(401, refused.code(), "the token is required on TCP for metrics too");
    }

    List<Sample> samples = awaitSamples(python, s -> value(s, "cm_daemon_send_total",
        Map.of("kind", "dm", "status", "accepted")) == 1);
    assertEquals(1, value(samples, "cm_daemon_recv_total", Map.of("kind", "dm")));

    Map<String, Set<String>> expected = Map.ofEntries(
        Map.entry("cm_daemon_connected", Set.of()),
        Map.entry("cm_daemon_reconnects_total", Set.of("reason")),
        Map.entry("cm_daemon_lag_ms", Set.of()),
        Map.entry("cm_daemon_outbox_depth", Set.of("status")),
        Map.entry("cm_daemon_outbox_age_seconds", Set.of()),
        Map.entry("cm_daemon_dedupe_total", Set.of("direction")),
        Map.entry("cm_daemon_send_total", Set.of("kind", "status")),
        Map.entry("cm_daemon_recv_total", Set.of("kind")),
        Map.entry("cm_daemon_invalid_inbound_total", Set.of()),
        Map.entry("cm_daemon_decrypt_archived_total", Set.of()),
        Map.entry("cm_daemon_decrypt_stale_total", Set.of()),
        Map.entry("cm_daemon_ipc_request_total", Set.of("endpoint", "status", "transport")),
        Map.entry("cm_daemon_ipc_duration_seconds_bucket", Set.of("endpoint", "le")),
        Map.entry("cm_daemon_ipc_duration_seconds_count", Set.of("endpoint")),
        Map.entry("cm_daemon_ipc_duration_seconds_sum", Set.of("endpoint")),
        Map.entry("cm_daemon_disk_pct", Set.of("kind")));
    expected.forEach((name, labels) -> {
      List<Sample> found = samples.stream().filter(s -> s.name().equals(name)).toList();
      assertFalse(found.isEmpty(), name + " is missing; got " + names(samples));
      found.forEach(s -> assertEquals(labels, s.labels().keySet(), name + " labels"));
    });
    Set<String> unknown = samples.stream().map(Sample::name)
        .filter(n -> expected.keySet().stream().noneMatch(n::equals)).collect(Collectors.toSet());
    assertEquals(Set.of(), unknown, "only SPEC §10.4 names");

    assertEquals(1, value(samples, "cm_daemon_connected", Map.of()));
    assertTrue(samples.stream().anyMatch(s -> s.name().equals("cm_daemon_reconnects_total")
        && s.value() >= 1), "the broker restart is a reconnect");
    for (OutboxStatus status : OutboxStatus.values()) {
      value(samples, "cm_daemon_outbox_depth", Map.of("status", status.wireName()));
    }
    assertEquals(1, value(samples, "cm_daemon_outbox_depth", Map.of("status", "done")));
    assertEquals(0, value(samples, "cm_daemon_lag_ms", Map.of()), "nothing left to send");
    assertEquals(0, value(samples, "cm_daemon_outbox_age_seconds", Map.of()));
    assertEquals(0, value(samples, "cm_daemon_dedupe_total", Map.of("direction", "inbound")));
    assertEquals(0, value(samples, "cm_daemon_dedupe_total", Map.of("direction", "outbound")));
    assertEquals(0, value(samples, "cm_daemon_recv_total", Map.of("kind", "topic")));
    assertEquals(0, value(samples, "cm_daemon_invalid_inbound_total", Map.of()));
    double disk = value(samples, "cm_daemon_disk_pct", Map.of("kind", "outbox"));
    assertTrue(disk > 0 && disk < 100, "outbox disk percent " + disk);

    assertEquals(1, value(samples, "cm_daemon_ipc_request_total",
        Map.of("endpoint", Routes.HEALTH, "status", "200", "transport", "uds")));
    assertEquals(1, value(samples, "cm_daemon_ipc_request_total",
        Map.of("endpoint", DaemonMetrics.UNMATCHED_ENDPOINT, "status", "404", "transport", "uds")));
    assertEquals(1, value(samples, "cm_daemon_ipc_request_total",
        Map.of("endpoint", Routes.METRICS, "status", "401", "transport", "tcp")));
    Set<String> endpoints = samples.stream().filter(s -> s.labels().containsKey("endpoint"))
        .map(s -> s.labels().get("endpoint")).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(Set.of(Routes.HEALTH, Routes.METRICS, DaemonMetrics.UNMATCHED_ENDPOINT), endpoints,
        "the endpoint label is a route of the table or unmatched, never the raw path");
    assertTrue(value(samples, "cm_daemon_ipc_duration_seconds_count",
        Map.of("endpoint", Routes.HEALTH)) == 1);
  }

  @Test
  void servedOverBothTransportsAsText004BehindTheGuard() throws Exception {
    try (Response ok = tcp(Routes.METRICS, "Bearer " + tokens.insecureCurrentToken())) {
      assertEquals(200, ok.code());
      assertEquals("text/plain; version=0.0.4; charset=utf-8", ok.header("Content-Type"));
      assertEquals("nosniff", ok.header("X-Content-Type-Options"));
      assertTrue(ok.body().string().contains("# TYPE cm_daemon_connected gauge\n"));
    }
    Reply uds = UdsHttp.get(server.socket(), Routes.METRICS);
    assertEquals(200, uds.status(), "no token on the Unix socket");
    assertTrue(uds.body().contains("cm_daemon_ipc_request_total{endpoint=\"/v1/metrics\","
        + "status=\"200\",transport=\"tcp\"} 1.0\n"), uds.body());
    try (Response noToken = tcp(Routes.METRICS, null)) {
      assertEquals(401, noToken.code());
      assertFalse(noToken.body().string().contains("cm_daemon"), "no metrics without the token");
    }
    assertEquals(403, UdsHttp.get(server.socket(), Routes.METRICS, "Host: evil.example").status());
  }

  @Test
  void lagIsTheAgeOfTheOldestUnsentRowInHealthAndMetrics() throws Exception {
    mesh.stopBroker();
    awaitTrue("disconnected", () -> !alice.isConnected());
    alice.send(SendRequest.of(bob.memberPubkey(), "waits for the broker"));
    Thread.sleep(30);
    long healthLag = alice.health().lagMs();
    assertTrue(healthLag >= 30, "health lag_ms " + healthLag);
    String text = new String(DaemonMetrics.forPeer(alice).scrape(), StandardCharsets.UTF_8);
    double metricLag = Double.parseDouble(line(text, "cm_daemon_lag_ms "));
    assertTrue(metricLag >= healthLag, "metric " + metricLag + " read after health " + healthLag);
    assertEquals("1.0", line(text, "cm_daemon_outbox_depth{status=\"pending\"} "));
    assertTrue(Double.parseDouble(line(text, "cm_daemon_outbox_age_seconds ")) >= 0.03);
    assertEquals("0.0", line(text, "cm_daemon_connected "));

    mesh.startBroker();
    awaitTrue("delivered", () -> alice.health().lagMs() == 0);
  }

  @Test
  void aTextTheParserRejectsFailsTheCheck() throws Exception {
    String python = parserOrSkip();
    ParseResult bad = parse(python, "cm_daemon_connected{oops 1\n");
    assertTrue(bad.exit != 0, "the parser must reject a broken line; printed " + bad.stdout);
  }

  // ------------------------------------------------------------------------------------ helpers

  private Response tcp(String path, String authorization) throws IOException {
    Request.Builder r = new Request.Builder().url("http://127.0.0.1:" + server.tcpPort() + path);
    if (authorization != null) {
      r.header("Authorization", authorization);
    }
    return http.newCall(r.build()).execute();
  }

  private List<Sample> awaitSamples(String python, Predicate<List<Sample>> ready) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      String text;
      try (Response r = tcp(Routes.METRICS, "Bearer " + tokens.insecureCurrentToken())) {
        assertEquals(200, r.code());
        text = r.body().string();
      }
      ParseResult result = parse(python, text);
      if (result.exit != 0) {
        fail("the Prometheus parser rejected /v1/metrics (exit " + result.exit + "): "
            + result.stderr + "\n--- text ---\n" + text);
      }
      List<Sample> samples = result.samples();
      if (ready.test(samples)) {
        return samples;
      }
      if (System.nanoTime() > deadline) {
        fail("metrics never showed the traffic:\n" + text);
      }
      Thread.sleep(50);
    }
  }

  private static double value(List<Sample> samples, String name, Map<String, String> labels) {
    return samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(labels))
        .mapToDouble(Sample::value).findFirst()
        .orElseThrow(() -> new AssertionError("no sample " + name + labels));
  }

  private static Set<String> names(List<Sample> samples) {
    return samples.stream().map(Sample::name).collect(Collectors.toCollection(TreeSet::new));
  }

  /** The rest of the one line of {@code text} starting with {@code prefix}. */
  private static String line(String text, String prefix) {
    return text.lines().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length()))
        .findFirst().orElseThrow(() -> new AssertionError("no line " + prefix + " in\n" + text));
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  private static void awaitTrue(String what, Check check) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!check.ok()) {
      if (System.nanoTime() > deadline) {
        fail("timed out waiting until " + what);
      }
      Thread.sleep(20);
    }
  }

  /** The Python with the Prometheus parser; skips the test without one, fails it under CI. */
  private static String parserOrSkip() throws Exception {
    for (String python : PYTHONS) {
      try {
        if (run(python, List.of("-c", "import prometheus_client.parser"), "").exit == 0) {
          return python;
        }
      } catch (IOException notInstalled) {
        // try the next one
      }
    }
    String why = "the Prometheus text parser is not installed (Debian: apt-get install"
        + " python3-prometheus-client; .ci/run installs it)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(why + "; CI must run this check");
    }
    Assumptions.abort(why + "; skipping the parser check");
    throw new AssertionError("unreachable");
  }

  record ParseResult(int exit, String stdout, String stderr) {
    @SuppressWarnings("unchecked")
    List<Sample> samples() {
      List<Sample> out = new ArrayList<>();
      for (String json : stdout.split("\n")) {
        if (json.isBlank()) {
          continue;
        }
        List<Object> row = ApiJson.fromJson(json, List.class);
        out.add(new Sample((String) row.get(0), (Map<String, String>) row.get(1),
            ((Number) row.get(2)).doubleValue()));
      }
      return out;
    }
  }

  private static ParseResult parse(String python, String text) throws Exception {
    return run(python, List.of("-c", PARSE_SCRIPT), text);
  }

  private static ParseResult run(String python, List<String> args, String stdin) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(python);
    command.addAll(args);
    Process process = new ProcessBuilder(command).start();
    CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
    CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
    try (OutputStream in = process.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail(python + " did not finish in 60 s");
    }
    return new ParseResult(process.exitValue(),
        new String(out.get(), StandardCharsets.UTF_8), new String(err.get(), StandardCharsets.UTF_8));
  }

  private static byte[] readAll(InputStream in) {
    try (in) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      in.transferTo(bytes);
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
