package dev.claudemesh.daemon.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.api.ErrorCodes;
import dev.claudemesh.api.Problem;
import dev.claudemesh.api.Routes;
import dev.claudemesh.api.SendRequest;
import dev.claudemesh.core.identity.DaemonPaths;
import dev.claudemesh.core.identity.LocalTokens;
import dev.claudemesh.core.internal.SecureFiles;
import dev.claudemesh.core.store.AcceptResult;
import dev.claudemesh.core.store.AcceptResults;
import dev.claudemesh.daemon.ipc.UdsHttp.Reply;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guard's side of hook capability tokens (SPEC §9) and the send gate: a live token may only
 * do what its capability allows (403 {@code forbidden_scope} otherwise, before any handler runs),
 * an unknown or dead bearer token is 401 on the socket too, and a gate refusal writes nothing.
 */
class CapabilityGuardTest {
  private static final String LIVE = "live-capability-token";
  private static final String JSON = "Content-Type: application/json";

  @TempDir Path tmp;

  private IpcServer server;
  private LocalTokens tokens;
  private final List<SendRequest> sent = new ArrayList<>();
  private final List<SendRequest> gated = new ArrayList<>();
  private volatile Optional<Problem> gate = Optional.empty();
  private final OkHttpClient http = new OkHttpClient();

  /** Allows sends to {@code #ok} only. */
  private final Capabilities capabilities = token -> !token.equals(LIVE) ? Optional.empty()
      : Optional.of(new Capabilities.Capability() {
        @Override
        public String label() {
          return "test#1";
        }

        @Override
        public Optional<String> refusal(Capabilities.Request r) {
          return "#ok".equals(r.to()) && r.method().equals("POST") ? Optional.empty()
              : Optional.of("only #ok, not " + r.method() + " " + r.path() + " to " + r.to());
        }
      });

  @BeforeEach
  void setUp() throws IOException {
    DaemonPaths paths = DaemonPaths.inDirectory(tmp.resolve("daemon"));
    SecureFiles.createPrivateDirectories(paths.dir());
    tokens = LocalTokens.openOrCreate(paths.localToken(), Clock.systemUTC());
    server = IpcServer.builder(paths).tokens(tokens).tcp(true, 0).capabilities(capabilities)
        .sendGate(request -> {
          synchronized (gated) {
            gated.add(request);
          }
          return gate;
        })
        .send(request -> {
          synchronized (sent) {
            sent.add(request);
          }
          return AcceptResults.of(AcceptResult.Kind.QUEUED, request.clientMessageId(), null,
              null, null, null);
        })
        .version(() -> IpcServerTest.VERSION)
        .build();
    server.start();
  }

  @AfterEach
  void tearDown() {
    server.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  private Reply post(String path, String body, String... headers) throws IOException {
    List<String> all = new ArrayList<>(List.of(JSON));
    all.addAll(List.of(headers));
    return UdsHttp.request(server.socket(), "POST", path, body, all.toArray(String[]::new));
  }

  @Test
  void aLiveTokenSendsWithinItsScopeOverEitherRoute() throws IOException {
    Reply send = post(Routes.SEND, "{\"to\":\"#ok\",\"message\":\"hi\"}", "Authorization: Bearer " + LIVE);
    assertEquals(202, send.status(), send.body());
    Reply topic = post(Routes.TOPIC_POST, "{\"topic\":\"ok\",\"message\":\"hi\"}",
        "Authorization: Bearer " + LIVE);
    assertEquals(202, topic.status(), topic.body());
    assertEquals(2, sent.size());
    try (Response r = http.newCall(new Request.Builder()
        .url("http://127.0.0.1:" + server.tcpPort() + Routes.SEND)
        .header("Authorization", "Bearer " + LIVE)
        .post(RequestBody.create("{\"to\":\"#ok\",\"message\":\"tcp\"}",
            MediaType.get("application/json"))).build()).execute()) {
      assertEquals(202, r.code());
    }
  }

  @Test
  void beyondItsScopeIs403AndNothingIsSent() throws IOException {
    Reply other = post(Routes.SEND, "{\"to\":\"#elsewhere\",\"message\":\"hi\"}",
        "Authorization: Bearer " + LIVE);
    assertEquals(403, other.status(), other.body());
    assertTrue(other.body().contains("\"error\":\"" + ErrorCodes.FORBIDDEN_SCOPE + "\""), other.body());
    Reply read = UdsHttp.get(server.socket(), Routes.VERSION, "Authorization: Bearer " + LIVE);
    assertEquals(403, read.status(), read.body());
    // a body whose destination cannot be read is refused too, never passed on unscoped
    Reply twice = post(Routes.SEND, "{\"to\":\"#ok\",\"to\":\"#elsewhere\",\"message\":\"hi\"}",
        "Authorization: Bearer " + LIVE);
    assertEquals(403, twice.status(), twice.body());
    Reply unknownRoute = post("/v1/nothing", "{}", "Authorization: Bearer " + LIVE);
    assertEquals(403, unknownRoute.status(), "a capability learns nothing of other routes");
    assertEquals(0, sent.size());
  }

  @Test
  void anUnknownOrDeadTokenIs401EvenOnTheSocket() throws IOException {
    Reply dead = post(Routes.SEND, "{\"to\":\"#ok\",\"message\":\"hi\"}",
        "Authorization: Bearer revoked-token");
    assertEquals(401, dead.status(), dead.body());
    assertEquals(401, UdsHttp.get(server.socket(), Routes.VERSION, "Authorization: Basic x").status());
    // no Authorization at all: the socket's own trust
    assertEquals(200, UdsHttp.get(server.socket(), Routes.VERSION).status());
    // the local token on the socket is fine too
    assertEquals(200, UdsHttp.get(server.socket(), Routes.VERSION,
        "Authorization: Bearer " + tokens.insecureCurrentToken()).status());
    assertEquals(0, sent.size());
  }

  @Test
  void theGateSeesTheFinalIdAndItsRefusalWritesNothing() throws IOException {
    Reply ok = post(Routes.SEND, "{\"to\":\"#ok\",\"message\":\"hi\"}");
    assertEquals(202, ok.status(), ok.body());
    assertEquals(1, gated.size());
    String minted = gated.get(0).clientMessageId();
    assertNotNull(minted, "the gate sees the id the outbox will hold");
    assertEquals(minted, sent.get(0).clientMessageId());
    Reply keyed = post(Routes.SEND, "{\"to\":\"#ok\",\"message\":\"hi\"}", "Idempotency-Key: key-1");
    assertEquals(202, keyed.status());
    assertEquals("key-1", gated.get(1).clientMessageId());

    gate = Optional.of(Problem.of(ErrorCodes.PRE_SEND_REJECTED, "no"));
    Reply refused = post(Routes.SEND, "{\"to\":\"#ok\",\"message\":\"hi\"}");
    assertEquals(403, refused.status(), refused.body());
    assertTrue(refused.body().contains("\"error\":\"pre_send_rejected\""), refused.body());
    Reply topic = post(Routes.TOPIC_POST, "{\"topic\":\"ok\",\"message\":\"hi\"}");
    assertEquals(403, topic.status(), topic.body());
    assertEquals(2, sent.size(), "refused sends reach no port");
    // invalid bodies are refused before the gate is asked
    assertEquals(400, post(Routes.SEND, "{\"to\":\"#ok\"}").status());
    assertEquals(4, gated.size());
  }
}
