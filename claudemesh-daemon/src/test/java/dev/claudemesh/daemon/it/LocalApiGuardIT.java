package dev.claudemesh.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.claudemesh.api.ApiJson;
import dev.claudemesh.api.Problem;
import dev.claudemesh.core.identity.DaemonPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local API's guard (SPEC §3.1) in front of a real daemon: curl over {@code daemon.sock},
 * OkHttp over loopback TCP ({@code [ipc] tcp_enabled = true}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalApiGuardIT {
  private static final Path CURL = Path.of("/usr/bin/curl");

  private TestMesh mesh;
  private JarDaemon daemon;
  private String base;
  private String token;
  private final OkHttpClient http = new OkHttpClient.Builder()
      .callTimeout(10, TimeUnit.SECONDS).retryOnConnectionFailure(false).build();

  @BeforeAll
  void startDaemon(@TempDir Path tmp) throws Exception {
    mesh = TestMesh.start(tmp);
    DaemonPaths alice = mesh.joinWithJar("alice");
    mesh.enableTcp(alice);
    daemon = JarDaemon.start(mesh.env(), alice, "alice");
    int port = Integer.parseInt(Files.readString(alice.httpPort(), StandardCharsets.US_ASCII).trim());
    base = "http://127.0.0.1:" + port;
    token = Files.readString(alice.localToken(), StandardCharsets.US_ASCII).trim();
  }

  @AfterAll
  void stop() throws Exception {
    JarDaemon.killAll();
    if (mesh != null) {
      mesh.close();
    }
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  // ---------------------------------------------------------------- curl over daemon.sock

  @Test
  void curlOverTheSocketNeedsNoToken() throws Exception {
    Curl version = curl("http://localhost/v1/version");
    assertEquals(200, version.status, version::toString);
    assertTrue(version.body.contains("\"daemon_version\""),
        version::toString);
  }

  @Test
  void curlOverTheSocketWithATokenInTheQueryIs400() throws Exception {
    Curl answer = curl("http://localhost/v1/version?token=" + token);
    assertProblem(answer, 400, "token_in_query");
  }

  @Test
  void curlOverTheSocketWithAForeignHostIs403() throws Exception {
    assertProblem(curl("http://localhost/v1/version", "-H", "Host: evil.example"), 403,
        "forbidden_host");
  }

  @Test
  void curlOverTheSocketWithAnyOriginIs403() throws Exception {
    assertProblem(curl("http://localhost/v1/version", "-H", "Origin: http://localhost"), 403,
        "forbidden_origin");
    assertProblem(curl("http://localhost/v1/version", "-H", "Origin: null"), 403,
        "forbidden_origin");
  }

  @Test
  void curlPreflightOverTheSocketIs403() throws Exception {
    assertProblem(curl("http://localhost/v1/send", "-X", "OPTIONS",
        "-H", "Access-Control-Request-Method: POST"), 403, "forbidden_origin");
  }

  // ------------------------------------------------------------------ OkHttp over TCP

  @Test
  void tcpWithoutATokenIs401() throws IOException {
    try (Response r = http.newCall(new Request.Builder().url(base + "/v1/version").build())
        .execute()) {
      assertProblem(r, 401, "unauthorized");
      assertEquals("Bearer", r.header("WWW-Authenticate"));
    }
  }

  @Test
  void tcpWithAWrongTokenIs401() throws IOException {
    try (Response r = http.newCall(new Request.Builder().url(base + "/v1/version")
        .header("Authorization", "Bearer " + token + "x").build()).execute()) {
      assertProblem(r, 401, "unauthorized");
    }
  }

  @Test
  void tcpWithTheBearerTokenIs200() throws IOException {
    try (Response r = http.newCall(authorized(base + "/v1/version").build()).execute()) {
      assertEquals(200, r.code());
      assertEquals("nosniff", r.header("X-Content-Type-Options"));
      assertNull(r.header("Access-Control-Allow-Origin"));
    }
  }

  @Test
  void tcpWithTheTokenInTheQueryIs400EvenWithTheHeader() throws IOException {
    try (Response r = http.newCall(authorized(base + "/v1/version?access_token=" + token).build())
        .execute()) {
      assertProblem(r, 400, "token_in_query");
    }
    try (Response r = http.newCall(new Request.Builder()
        .url(base + "/v1/version?token=" + token).build()).execute()) {
      assertProblem(r, 400, "token_in_query");
    }
  }

  @Test
  void tcpWithAForeignHostOrAnOriginOrAPreflightIs403EvenWithTheToken() throws IOException {
    try (Response r = http.newCall(authorized(base + "/v1/version")
        .header("Host", "evil.example").build()).execute()) {
      assertProblem(r, 403, "forbidden_host");
    }
    try (Response r = http.newCall(authorized(base + "/v1/version")
        .header("Origin", "http://127.0.0.1").build()).execute()) {
      assertProblem(r, 403, "forbidden_origin");
    }
    try (Response r = http.newCall(authorized(base + "/v1/send").method("OPTIONS", null)
        .header("Access-Control-Request-Method", "POST").build()).execute()) {
      assertProblem(r, 403, "forbidden_origin");
    }
  }

  private Request.Builder authorized(String url) {
    return new Request.Builder().url(url).header("Authorization", "Bearer " + token);
  }

  private static void assertProblem(Response r, int status, String error) throws IOException {
    ResponseBody body = r.body();
    String text = body == null ? "" : body.string();
    assertEquals(status, r.code(), text);
    assertTrue(String.valueOf(r.header("Content-Type")).startsWith("application/problem+json"),
        () -> r.header("Content-Type") + " " + text);
    assertEquals(error, ApiJson.fromJson(text, Problem.class).error(), text);
    assertEquals("nosniff", r.header("X-Content-Type-Options"));
    assertNull(r.header("Access-Control-Allow-Origin"));
  }

  private static void assertProblem(Curl answer, int status, String error) {
    assertEquals(status, answer.status, answer::toString);
    assertTrue(answer.contentType.startsWith("application/problem+json"), answer::toString);
    assertEquals(error, ApiJson.fromJson(answer.body, Problem.class).error(), answer::toString);
  }

  // -------------------------------------------------------------------------------- curl

  private record Curl(int status, String contentType, String body) {}

  /** curl is at /usr/bin/curl on CI; elsewhere its absence skips the curl cases. */
  private Curl curl(String url, String... extra) throws IOException, InterruptedException {
    if (!Files.isExecutable(CURL)) {
      if ("true".equals(System.getenv("CI"))) {
        fail(CURL + " is missing; CI must provide curl for the acceptance tests");
      }
      Assumptions.abort(CURL + " is missing");
    }
    List<String> command = new ArrayList<>(List.of(CURL.toString(), "-sS", "--max-time", "10",
        "--unix-socket", daemon.socket().toString(),
        "-o", "-", "-w", "\n%{http_code} %{content_type}"));
    command.addAll(List.of(extra));
    command.add(url);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      fail("curl did not finish: " + out);
    }
    assertEquals(0, p.exitValue(), out);
    int nl = out.lastIndexOf('\n');
    String[] tail = out.substring(nl + 1).split(" ", 2);
    return new Curl(Integer.parseInt(tail[0]), tail.length > 1 ? tail[1] : "",
        out.substring(0, nl));
  }
}
