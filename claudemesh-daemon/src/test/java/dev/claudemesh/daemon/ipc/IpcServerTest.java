package dev.claudemesh.daemon.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.claudemesh.api.Health;
import dev.claudemesh.api.Routes;
import dev.claudemesh.api.Version;
import dev.claudemesh.core.identity.DaemonPaths;
import dev.claudemesh.core.identity.LocalTokens;
import dev.claudemesh.core.internal.SecureFiles;
import dev.claudemesh.daemon.ipc.UdsHttp.Reply;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class IpcServerTest {
  @TempDir Path tmp;

  private DaemonPaths paths;
  private LocalTokens tokens;
  private final List<IpcServer> servers = new ArrayList<>();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final OkHttpClient http = new OkHttpClient();

  static final Version VERSION = Version.current("9.9.9-test", 3, Map.of());
  static final Health HEALTH = new Health(true, 0, 1, 2, 3, "mesh", "ab".repeat(32), 5, 3,
      "9.9.9-test", null, false);

  @BeforeEach
  void setUp() throws IOException {
    paths = DaemonPaths.inDirectory(tmp.resolve("daemon"));
    SecureFiles.createPrivateDirectories(paths.dir());
    tokens = LocalTokens.openOrCreate(paths.localToken(), Clock.systemUTC());
    logs.start();
    root().addAppender(logs);
  }

  @AfterEach
  void tearDown() {
    servers.forEach(IpcServer::close);
    root().detachAppender(logs);
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  IpcServer start(Consumer<IpcServer.Builder> tune) throws IOException {
    IpcServer.Builder b = IpcServer.builder(paths).tokens(tokens).tcp(true, 0)
        .version(() -> VERSION).health(() -> HEALTH);
    tune.accept(b);
    IpcServer server = b.build();
    servers.add(server);
    server.start();
    return server;
  }

  IpcServer start() throws IOException {
    return start(b -> {});
  }

  private Response tcp(IpcServer server, String path, Consumer<Request.Builder> tune)
      throws IOException {
    Request.Builder r = new Request.Builder().url("http://127.0.0.1:" + server.tcpPort() + path);
    tune.accept(r);
    return http.newCall(r.build()).execute();
  }

  private String bearer() {
    return "Bearer " + tokens.insecureCurrentToken();
  }

  private static void assertHardened(Reply reply) {
    assertEquals("nosniff", reply.header("X-Content-Type-Options"));
    assertEquals("no-store", reply.header("Cache-Control"));
    assertNull(reply.header("Access-Control-Allow-Origin"));
  }

  @Test
  void versionOverUnixSocketNeedsNoToken() throws IOException {
    IpcServer server = start();
    Reply reply = UdsHttp.get(server.socket(), Routes.VERSION);
    assertEquals(200, reply.status(), reply.body());
    assertEquals(Routes.MEDIA_JSON, reply.header("Content-Type"));
    assertTrue(reply.body().contains("\"ipc_api\":\"v1\""), reply.body());
    assertTrue(reply.body().contains("\"daemon_version\":\"9.9.9-test\""), reply.body());
    assertHardened(reply);
  }

  @Test
  void tcpWithoutTokenIs401AndWithTokenIs200() throws IOException {
    IpcServer server = start();
    try (Response r = tcp(server, Routes.VERSION, b -> {})) {
      assertEquals(401, r.code());
      assertEquals(Routes.MEDIA_PROBLEM_JSON, r.header("Content-Type"));
      assertTrue(r.body().string().contains("\"error\":\"unauthorized\""));
      assertEquals("nosniff", r.header("X-Content-Type-Options"));
    }
    try (Response r = tcp(server, Routes.VERSION, b -> b.header("Authorization", "Bearer wrong"))) {
      assertEquals(401, r.code());
    }
    try (Response r = tcp(server, Routes.VERSION, b -> b.header("Authorization", bearer()))) {
      assertEquals(200, r.code());
      assertEquals("no-store", r.header("Cache-Control"));
      assertNull(r.header("Access-Control-Allow-Origin"));
      assertNull(r.header("Server"));
    }
    assertNoTokenInLogs();
  }

  @Test
  void tokenInQueryIs400WithOneSecurityWarning() throws IOException {
    IpcServer server = start();
    String token = tokens.insecureCurrentToken();
    try (Response r = tcp(server, Routes.VERSION + "?token=" + token,
        b -> b.header("Authorization", bearer()))) {
      assertEquals(400, r.code());
      assertTrue(r.body().string().contains("\"error\":\"token_in_query\""));
    }
    Reply reply = UdsHttp.get(server.socket(), Routes.VERSION + "?since=1&x=" + token);
    assertEquals(400, reply.status());
    List<String> warnings = new ArrayList<>();
    for (ILoggingEvent e : logs.list) {
      if (e.getLevel().toString().equals("WARN") && e.getFormattedMessage().startsWith("security:")) {
        warnings.add(e.getFormattedMessage());
      }
    }
    assertEquals(2, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).contains("GET /v1/version over tcp"), warnings.get(0));
    assertNoTokenInLogs();
  }

  @Test
  void hostMustBeLoopback() throws IOException {
    IpcServer server = start();
    Reply evil = UdsHttp.get(server.socket(), Routes.VERSION, "Host: evil.example");
    assertEquals(403, evil.status());
    assertTrue(evil.body().contains("\"error\":\"forbidden_host\""));
    assertHardened(evil);
    try (Response r = tcp(server, Routes.VERSION,
        b -> b.header("Authorization", bearer()).header("Host", "evil.example:" + server.tcpPort()))) {
      assertEquals(403, r.code());
    }
    for (String host : List.of("localhost", "LOCALHOST:80", "127.0.0.1:1234", "[::1]", "[::1]:9")) {
      assertEquals(200, UdsHttp.get(server.socket(), Routes.VERSION, "Host: " + host).status(), host);
    }
    for (String host : List.of("localhost.evil.example", "127.0.0.2", "[::2]")) {
      assertEquals(403, UdsHttp.get(server.socket(), Routes.VERSION, "Host: " + host).status(), host);
    }
    // Jetty's parser answers a Host with a malformed port itself: still problem JSON, hardened
    Reply malformed = UdsHttp.get(server.socket(), Routes.VERSION, "Host: localhost:x");
    assertEquals(400, malformed.status());
    assertEquals(Routes.MEDIA_PROBLEM_JSON, malformed.header("Content-Type"));
    assertHardened(malformed);
    assertFalse(IpcDispatcher.loopbackHost("localhost:x"));
    assertFalse(IpcDispatcher.loopbackHost("localhost:123456"));
    assertFalse(IpcDispatcher.loopbackHost("[::1]x"));
  }

  @Test
  void anUnsupportedHttpVersionIsAClientError() throws IOException {
    IpcServer server = start();
    // Jetty's parser refuses these with 505; a client's malformed request is not a server error
    for (String line : List.of("GET / HTTP/9.9", "GET /v1/version HTTP/1.2")) {
      Reply reply = UdsHttp.raw(server.socket(),
          (line + "\r\nHost: localhost\r\nConnection: close\r\n\r\n")
              .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      assertEquals(400, reply.status(), line + " → " + reply.body());
      assertEquals(Routes.MEDIA_PROBLEM_JSON, reply.header("Content-Type"));
      assertTrue(reply.body().contains("\"error\":\"invalid_request\""), reply.body());
      assertTrue(reply.body().contains("HTTP/1.1"), reply.body());
      assertHardened(reply);
    }
  }

  @Test
  void anyOriginOutsideTheAllowlistIs403() throws IOException {
    IpcServer server = start(b -> b.originAllowlist(List.of("http://localhost:5173")));
    for (String origin : List.of("http://evil.example", "null", "http://localhost")) {
      Reply reply = UdsHttp.get(server.socket(), Routes.VERSION, "Origin: " + origin);
      assertEquals(403, reply.status(), origin);
      assertTrue(reply.body().contains("\"error\":\"forbidden_origin\""));
      assertNull(reply.header("Access-Control-Allow-Origin"));
    }
    Reply allowed = UdsHttp.get(server.socket(), Routes.VERSION, "Origin: http://localhost:5173");
    assertEquals(200, allowed.status());
    assertNull(allowed.header("Access-Control-Allow-Origin"));
    try (Response r = tcp(server, Routes.VERSION,
        b -> b.header("Authorization", bearer()).header("Origin", "http://evil.example"))) {
      assertEquals(403, r.code());
    }
  }

  @Test
  void corsPreflightIs403() throws IOException {
    IpcServer server = start();
    Reply reply = UdsHttp.request(server.socket(), "OPTIONS", Routes.SEND, null,
        "Access-Control-Request-Method: POST");
    assertEquals(403, reply.status());
    assertNull(reply.header("Access-Control-Allow-Origin"));
    assertHardened(reply);
  }

  @Test
  void publicHealthCheckExemptsOnlyHealth() throws IOException {
    IpcServer server = start(b -> b.publicHealthCheck(true));
    try (Response r = tcp(server, Routes.HEALTH, b -> {})) {
      assertEquals(200, r.code());
      assertTrue(r.body().string().contains("\"queue_depth\":1"));
    }
    try (Response r = tcp(server, Routes.VERSION, b -> {})) {
      assertEquals(401, r.code());
    }
    IpcServer closed = servers.remove(0);
    closed.close();
    IpcServer strict = start();
    try (Response r = tcp(strict, Routes.HEALTH, b -> {})) {
      assertEquals(401, r.code());
    }
  }

  @Test
  void socketIs0600AndHttpPortIs0644WithTheBoundPort() throws IOException {
    IpcServer server = start();
    assertEquals("rw-------", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(paths.socket(), LinkOption.NOFOLLOW_LINKS)));
    assertEquals("rw-r--r--", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(paths.httpPort(), LinkOption.NOFOLLOW_LINKS)));
    assertEquals(Integer.toString(server.tcpPort()),
        Files.readString(paths.httpPort(), StandardCharsets.US_ASCII).trim());
    assertTrue(server.tcpPort() > 0);
    server.close();
    assertFalse(Files.exists(paths.socket(), LinkOption.NOFOLLOW_LINKS));
    assertFalse(Files.exists(paths.httpPort()));
  }

  @Test
  void udsOnlyWritesNoHttpPort() throws IOException {
    IpcServer server = start(b -> b.tcp(false, 0));
    assertEquals(-1, server.tcpPort());
    assertFalse(Files.exists(paths.httpPort()));
    assertEquals(200, UdsHttp.get(server.socket(), Routes.VERSION).status());
  }

  @Test
  void staleSocketIsRemoved() throws IOException {
    try (ServerSocketChannel old = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      old.bind(UnixDomainSocketAddress.of(paths.socket()));
    }
    assertTrue(Files.exists(paths.socket(), LinkOption.NOFOLLOW_LINKS));
    IpcServer server = start();
    assertEquals(200, UdsHttp.get(server.socket(), Routes.VERSION).status());
    assertTrue(logs.list.stream().anyMatch(e ->
        e.getFormattedMessage().startsWith("removed stale socket " + paths.socket())));
  }

  @Test
  void liveSocketRefusesASecondServer() throws IOException {
    IpcServer first = start();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> start());
    assertEquals("another daemon is serving " + paths.socket(), e.getMessage());
    assertEquals(200, UdsHttp.get(first.socket(), Routes.VERSION).status());
  }

  @Test
  void aFileThatIsNotASocketIsLeftAlone() throws IOException {
    Files.writeString(paths.socket(), "not a socket");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> start());
    assertTrue(e.getMessage().contains("is not a socket"), e.getMessage());
    assertEquals("not a socket", Files.readString(paths.socket()));
  }

  @Test
  void unknownRouteIs404WrongMethodIs405NotBuiltIs501() throws IOException {
    IpcServer server = start();
    Reply missing = UdsHttp.get(server.socket(), "/v1/nope");
    assertEquals(404, missing.status());
    assertTrue(missing.body().contains("\"error\":\"not_found\""));
    Reply wrong = UdsHttp.request(server.socket(), "POST", Routes.VERSION, "{}",
        "Content-Type: application/json");
    assertEquals(405, wrong.status());
    assertEquals("GET", wrong.header("Allow"));
    assertTrue(wrong.body().contains("\"error\":\"method_not_allowed\""));
    Reply later = UdsHttp.get(server.socket(), Routes.INBOX);
    assertEquals(501, later.status());
    assertEquals(Routes.MEDIA_PROBLEM_JSON, later.header("Content-Type"));
    assertTrue(later.body().contains("\"error\":\"not_implemented\""), later.body());
    assertTrue(later.body().contains("GET /v1/inbox"), later.body());
  }

  @Test
  void duplicateRouteFailsAtStart() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> start(b -> b.route(Routes.Endpoint.VERSION, call -> ApiResponse.json(200, "x"))));
    assertEquals("duplicate route GET /v1/version", e.getMessage());
    assertFalse(Files.exists(paths.socket(), LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void bodyOverOneMebibyteIs413() throws IOException {
    IpcServer server = start();
    String big = "x".repeat(IpcDispatcher.MAX_BODY_BYTES + 1);
    Reply declared = UdsHttp.request(server.socket(), "POST", Routes.SEND, big,
        "Content-Type: application/json");
    assertEquals(413, declared.status());
    assertTrue(declared.body().contains("\"error\":\"payload_too_large\""));
    byte[] head = ("POST " + Routes.SEND + " HTTP/1.1\r\nHost: localhost\r\n"
        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
        + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] chunk = (Integer.toHexString(big.length()) + "\r\n" + big + "\r\n0\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    assertEquals(413, UdsHttp.raw(server.socket(), head, chunk).status());
  }

  @Test
  void the65thRequestInFlightIsDaemonBusy() throws Exception {
    CountDownLatch entered = new CountDownLatch(IpcDispatcher.MAX_IN_FLIGHT);
    CountDownLatch release = new CountDownLatch(1);
    IpcServer server = start(b -> b.route(Routes.Endpoint.PEERS, call -> {
      entered.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return ApiResponse.json(200, Map.of());
    }));
    ExecutorService pool = Executors.newFixedThreadPool(IpcDispatcher.MAX_IN_FLIGHT);
    try {
      List<Future<Reply>> blocked = new ArrayList<>();
      for (int i = 0; i < IpcDispatcher.MAX_IN_FLIGHT; i++) {
        blocked.add(pool.submit(() -> UdsHttp.get(server.socket(), Routes.PEERS)));
      }
      assertTrue(entered.await(30, TimeUnit.SECONDS), "64 requests in the handler");
      Reply busy = UdsHttp.get(server.socket(), Routes.VERSION);
      assertEquals(429, busy.status());
      assertTrue(busy.body().contains("\"error\":\"daemon_busy\""), busy.body());
      assertEquals("1", busy.header("Retry-After"));
      release.countDown();
      for (Future<Reply> f : blocked) {
        assertEquals(200, f.get(30, TimeUnit.SECONDS).status());
      }
      assertEquals(200, UdsHttp.get(server.socket(), Routes.VERSION).status());
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void overTheRateIs429RateLimitedWithRetryAfter() throws IOException {
    long[] now = {0};
    IpcServer server = start(b -> b.rateLimit(2, 3, () -> now[0]));
    for (int i = 0; i < 3; i++) {
      try (Response r = tcp(server, Routes.VERSION, b -> b.header("Authorization", bearer()))) {
        assertEquals(200, r.code());
      }
    }
    try (Response r = tcp(server, Routes.VERSION, b -> b.header("Authorization", bearer()))) {
      assertEquals(429, r.code());
      assertEquals("1", r.header("Retry-After"));
      String body = r.body().string();
      assertTrue(body.contains("\"error\":\"rate_limited\""), body);
      assertTrue(body.contains("\"retry_after\":1"), body);
    }
    // the Unix socket is another caller with its own bucket
    assertEquals(200, UdsHttp.get(server.socket(), Routes.VERSION).status());
    now[0] += 1_000_000_000L;
    try (Response r = tcp(server, Routes.VERSION, b -> b.header("Authorization", bearer()))) {
      assertEquals(200, r.code());
    }
    assertNoTokenInLogs();
  }

  @Test
  void closeStopsEveryServerThread() throws Exception {
    IpcServer server = start();
    assertEquals(200, UdsHttp.get(server.socket(), Routes.VERSION).status());
    server.close();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (ipcThreads() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(0, ipcThreads());
  }

  private static long ipcThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("claudemesh-ipc")).count();
  }

  private void assertNoTokenInLogs() {
    String token = tokens.insecureCurrentToken();
    for (ILoggingEvent e : logs.list) {
      assertFalse(e.getFormattedMessage().contains(token), "token logged: " + e.getLoggerName());
      if (e.getThrowableProxy() != null) {
        assertFalse(e.getThrowableProxy().getMessage() != null
            && e.getThrowableProxy().getMessage().contains(token));
      }
    }
  }
}
