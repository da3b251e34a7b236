package dev.claudemesh.daemon.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.api.ErrorCodes;
import dev.claudemesh.api.Routes;
import dev.claudemesh.broker.ReferenceBroker;
import dev.claudemesh.core.Peer;
import dev.claudemesh.core.identity.DaemonPaths;
import dev.claudemesh.daemon.DaemonRuntime;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Real daemons against the OpenAPI document of claudemesh-api: a reference broker and two
 * daemons (alice, bob; TCP on), every route of {@link Routes.Endpoint} and every status the
 * document lists for it that a client can produce, each answer checked by {@link OpenApiContract}
 * (status documented for the route, media type, documented headers, body against the schema).
 * The last test fails when a documented status was neither produced nor listed in
 * {@link #NOT_EXERCISED} with the reason it cannot be.
 *
 * <p>The tests share the daemons and run in order: the phases that exhaust the rate limit, hold
 * every in-flight slot or stop the broker come last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenApiConformanceTest {
  private static final String JSON = "Content-Type: application/json";
  private static final int MAX_BODY = 1 << 20;
  private static final Duration WAIT = Duration.ofSeconds(20);

  /** Documented statuses no test here produces, each with why. */
  private static final Map<String, String> NOT_EXERCISED = notExercised();

  @TempDir static Path tmp;

  private OpenApiContract contract;
  private ReferenceBroker broker;
  private final Map<String, String> env = new HashMap<>();
  private DaemonRuntime alice;
  private DaemonRuntime bob;
  private Client aliceUds;
  private Client aliceTcp;
  private Client bobUds;
  private Client bobTcp;

  /** A transport with the headers every request on it carries (the bearer token on TCP). */
  private record Client(RawHttp.Target target, List<String> headers) {
    Client without() {
      return new Client(target, List.of());
    }
  }

  private record Answer(RawHttp.Reply reply, @Nullable JsonNode json) {
    String error() {
      return json == null ? "" : json.path("error").asString();
    }
  }

  @BeforeAll
  void start() throws Exception {
    contract = OpenApiContract.load();
    broker = ReferenceBroker.builder().dbPath(tmp.resolve("broker.db")).host("127.0.0.1").port(0)
        .build().start();
    broker.createMesh("team");
    env.put(DaemonPaths.ENV_HOME, tmp.resolve("home").toString());
    env.put("USER", "tester");
    env.put("HOSTNAME", "box.example");
    alice = daemon("alice");
    bob = daemon("bob");
    aliceUds = new Client(RawHttp.Target.uds(alice.paths().socket()), List.of());
    bobUds = new Client(RawHttp.Target.uds(bob.paths().socket()), List.of());
    aliceTcp = tcp(alice);
    bobTcp = tcp(bob);
    awaitConnected(aliceUds);
    awaitConnected(bobUds);
  }

  @AfterAll
  void stop() {
    for (AutoCloseable c : new AutoCloseable[] {alice, bob, broker}) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          // best effort
        }
      }
    }
  }

  @Test
  @Order(1)
  void theGuardAnswersEveryRouteAsDocumented() throws Exception {
    for (Routes.Endpoint e : Routes.Endpoint.values()) {
      boolean post = e.method().equals(Routes.POST);
      String body = post ? "{}" : null;
      List<String> json = post ? List.of(JSON) : List.of();
      expect(400, ErrorCodes.TOKEN_IN_QUERY, aliceUds, e.method(), e.path() + "?token=abc", body,
          json);
      expect(403, ErrorCodes.FORBIDDEN_HOST, aliceUds, e.method(), e.path(), body,
          plus(json, "Host: evil.example"));
      expect(403, ErrorCodes.FORBIDDEN_ORIGIN, aliceUds, e.method(), e.path(), body,
          plus(json, "Origin: https://evil.example"));
      expect(401, ErrorCodes.UNAUTHORIZED, aliceTcp.without(), e.method(), e.path(), body, json);
      expect(401, ErrorCodes.UNAUTHORIZED, aliceTcp.without(), e.method(), e.path(), body,
          plus(json, "Authorization: Bearer not-the-token"));
      if (post) {
        expect(413, ErrorCodes.PAYLOAD_TOO_LARGE, aliceUds, e.method(), e.path(),
            "x".repeat(MAX_BODY + 1), json);
        expect(415, ErrorCodes.UNSUPPORTED_MEDIA_TYPE, aliceUds, e.method(), e.path(), "{}",
            List.of("Content-Type: text/plain"));
        expect(400, ErrorCodes.INVALID_REQUEST, aliceUds, e.method(), e.path(), "{", json);
      }
    }
    expect(404, ErrorCodes.NOT_FOUND, aliceUds, "GET", "/v1/nope", null, List.of());
    expect(404, ErrorCodes.NOT_FOUND, aliceTcp, "GET", "/v1/nope", null, List.of());
    Answer wrongMethod = expect(405, ErrorCodes.METHOD_NOT_ALLOWED, aliceUds, "GET",
        Routes.SEND, null, List.of());
    assertEquals("POST", wrongMethod.reply().header("Allow"));
    expect(403, ErrorCodes.FORBIDDEN_ORIGIN, aliceUds, "OPTIONS", Routes.SEND, null,
        List.of("Origin: https://evil.example", "Access-Control-Request-Method: POST"));
  }

  @Test
  @Order(2)
  void readRoutesAnswerTheirSchemas() throws Exception {
    for (Client c : List.of(aliceUds, aliceTcp)) {
      assertEquals("v1", expect(200, null, c, "GET", Routes.VERSION, null, List.of()).json()
          .path("ipc_api").asString());
      expect(200, null, c, "GET", Routes.COMPAT, null, List.of());
      assertTrue(expect(200, null, c, "GET", Routes.HEALTH, null, List.of()).json()
          .path("connected").asBoolean());
      assertTrue(expect(200, null, c, "GET", Routes.METRICS, null, List.of()).reply().body()
          .contains("cm_daemon_connected"));
    }
    JsonNode peers = expect(200, null, aliceUds, "GET", Routes.PEERS, null, List.of()).json();
    assertTrue(peers.toString().contains("\"bob\""), peers.toString());
    expect(200, null, aliceUds, "GET", Routes.TOPIC_LIST, null, List.of());

    assertTrue(expect(200, null, aliceUds, "POST", Routes.HEARTBEAT,
        "{\"caller\":\"openapi-test\",\"pid\":42}", List.of(JSON)).json().path("ok").asBoolean());
    expect(200, null, aliceTcp, "POST", Routes.HEARTBEAT, "", List.of());
    expect(400, ErrorCodes.INVALID_REQUEST, aliceUds, "POST", Routes.HEARTBEAT, "{\"pid\":0}",
        List.of(JSON));
    expect(400, ErrorCodes.INVALID_REQUEST, aliceUds, "POST", Routes.HEARTBEAT,
        "{\"unknown\":1}", List.of(JSON));

    JsonNode profile = expect(200, null, aliceUds, "POST", Routes.PROFILE,
        "{\"summary\":\"checks the contract\",\"visible\":true,\"capabilities\":[\"test\"]}",
        List.of(JSON)).json();
    assertEquals("checks the contract", profile.path("summary").asString());
    expect(400, ErrorCodes.INVALID_REQUEST, aliceUds, "POST", Routes.PROFILE,
        "{\"visible\":\"yes\"}", List.of(JSON));
  }

  @Test
  @Order(3)
  void sendsTopicsInboxOutboxAndRequeueAnswerTheirSchemas() throws Exception {
    expect(200, null, aliceUds, "POST", Routes.TOPIC_SUBSCRIBE, "{\"topic\":\"general\"}",
        List.of(JSON));
    expect(200, null, bobUds, "POST", Routes.TOPIC_SUBSCRIBE, "{\"topic\":\"general\"}",
        List.of(JSON));
    expect(200, null, aliceUds, "POST", Routes.TOPIC_UNSUBSCRIBE, "{\"topic\":\"other\"}",
        List.of(JSON));
    expect(400, ErrorCodes.INVALID_REQUEST, aliceUds, "POST", Routes.TOPIC_SUBSCRIBE,
        "{\"topic\":\"\"}", List.of(JSON));
    expect(400, ErrorCodes.INVALID_REQUEST, aliceUds, "POST", Routes.TOPIC_UNSUBSCRIBE,
        "{\"topic\":\"a\",\"extra\":1}", List.of(JSON));
    JsonNode topics = expect(200, null, aliceUds, "GET", Routes.TOPIC_LIST, null, List.of())
        .json();
    assertTrue(topics.toString().contains("general"), topics.toString());

    String dm = "{\"to\":\"bob\",\"message\":\"hello\",\"priority\":\"now\","
        + "\"meta\":{\"n\":1,\"nothing\":null}}";
    JsonNode queued = expect(202, null, aliceUds, "POST", Routes.SEND, dm,
        List.of(JSON, "Idempotency-Key: oas-dm-1")).json();
    assertEquals("oas-dm-1", queued.path("client_message_id").asString());
    expect(202, null, aliceTcp, "POST", Routes.SEND,
        "{\"to\":\"bob\",\"message\":\"second\",\"client_message_id\":\"oas-dm-2\"}",
        List.of(JSON));
    expect(422, ErrorCodes.DESTINATION_UNRESOLVABLE, aliceUds, "POST", Routes.SEND,
        "{\"to\":\"nobody\",\"message\":\"hi\"}", List.of(JSON));
    expect(400, ErrorCodes.INVALID_REQUEST, aliceUds, "POST", Routes.SEND,
        "{\"to\":\"bob\",\"message\":\"hi\",\"priority\":\"urgent\"}", List.of(JSON));
    expect(400, ErrorCodes.INVALID_REQUEST, aliceUds, "POST", Routes.SEND,
        "{\"to\":\"bob\",\"message\":\"hi\"}", List.of(JSON, "Idempotency-Key: "
            + "k".repeat(129)));

    JsonNode posted = expect(202, null, aliceUds, "POST", Routes.TOPIC_POST,
        "{\"topic\":\"general\",\"message\":\"to all\",\"mentions\":[\"bob\"]}",
        List.of(JSON, "Idempotency-Key: oas-topic-1")).json();
    assertEquals("queued", posted.path("status").asString());
    assertEquals("oas-topic-1", posted.path("client_message_id").asString());
    expect(409, ErrorCodes.IDEMPOTENCY_KEY_REUSED, aliceUds, "POST", Routes.TOPIC_POST,
        "{\"topic\":\"general\",\"message\":\"changed\"}",
        List.of(JSON, "Idempotency-Key: oas-topic-1"));
    expect(400, ErrorCodes.INVALID_REQUEST, aliceUds, "POST", Routes.TOPIC_POST,
        "{\"topic\":\"general\",\"message\":\"x\",\"priority\":\"urgent\"}", List.of(JSON));

    // once the broker has the DM: the same request is a 200 duplicate, another body a 409
    poll(aliceUds, Routes.OUTBOX + "?status=done",
        json -> json.toString().contains("\"oas-dm-1\""));
    JsonNode duplicate = expect(200, null, aliceUds, "POST", Routes.SEND, dm,
        List.of(JSON, "Idempotency-Key: oas-dm-1")).json();
    assertTrue(duplicate.path("duplicate").asBoolean());
    Answer conflict = expect(409, ErrorCodes.IDEMPOTENCY_KEY_REUSED, aliceUds, "POST",
        Routes.SEND, "{\"to\":\"bob\",\"message\":\"another\"}",
        List.of(JSON, "Idempotency-Key: oas-dm-1"));
    assertEquals(ErrorCodes.CONFLICT_DONE_MISMATCH, conflict.json().path("conflict").asString());
    assertFalse(conflict.json().path("broker_message_id").isMissingNode());

    String topicPost = "{\"topic\":\"general\",\"message\":\"to all\",\"mentions\":[\"bob\"]}";
    poll(aliceUds, Routes.OUTBOX + "?status=done",
        json -> json.toString().contains("\"oas-topic-1\""));
    assertTrue(expect(200, null, aliceUds, "POST", Routes.TOPIC_POST, topicPost,
        List.of(JSON, "Idempotency-Key: oas-topic-1")).json().path("duplicate").asBoolean());

    JsonNode inbox = poll(bobUds, Routes.INBOX, json -> json.toString().contains("oas-dm-1"));
    assertTrue(inbox.path("messages").size() >= 1);
    JsonNode page = expect(200, null, bobTcp, "GET", Routes.INBOX + "?limit=1", null, List.of())
        .json();
    if (page.has("next_cursor")) {
      expect(200, null, bobUds, "GET", Routes.INBOX + "?limit=1&cursor="
          + page.path("next_cursor").asString(), null, List.of());
    }
    String bobKey = bobHealth().path("member_pubkey").asString();
    expect(200, null, bobUds, "GET", Routes.INBOX + "?since=0&topic=general", null, List.of());
    expect(200, null, bobUds, "GET", Routes.INBOX + "?from=" + bobKey, null, List.of());
    expect(400, ErrorCodes.INVALID_REQUEST, bobUds, "GET", Routes.INBOX + "?limit=0", null,
        List.of());
    expect(400, ErrorCodes.INVALID_REQUEST, bobUds, "GET", Routes.INBOX + "?bogus=1", null,
        List.of());

    JsonNode outbox = expect(200, null, aliceUds, "GET", Routes.OUTBOX + "?limit=1", null,
        List.of()).json();
    if (outbox.has("next_cursor")) {
      expect(200, null, aliceTcp, "GET", Routes.OUTBOX + "?cursor="
          + outbox.path("next_cursor").asString(), null, List.of());
    }
    expect(400, ErrorCodes.INVALID_REQUEST, aliceUds, "GET", Routes.OUTBOX + "?status=lost",
        null, List.of());

    expect(404, ErrorCodes.NOT_FOUND, aliceUds, "POST", Routes.OUTBOX_REQUEUE,
        "{\"id\":\"no-such-row\",\"auto\":true}", List.of(JSON));
    expect(409, ErrorCodes.OUTBOX_NOT_REQUEUEABLE, aliceUds, "POST", Routes.OUTBOX_REQUEUE,
        "{\"id\":\"oas-dm-1\",\"auto\":true}", List.of(JSON));
    expect(400, ErrorCodes.INVALID_REQUEST, aliceUds, "POST", Routes.OUTBOX_REQUEUE,
        "{\"id\":\"oas-dm-1\"}", List.of(JSON));
  }

  @Test
  @Order(4)
  void eventStreamsAnswerFramesAndRefusalsAsDocumented() throws Exception {
    try (RawHttp.EventStream stream = new RawHttp.EventStream(bobUds.target(), List.of())) {
      stream.await(r -> r.body().contains(": stream open"), WAIT);
      expect(202, null, aliceUds, "POST", Routes.SEND,
          "{\"to\":\"bob\",\"message\":\"event me\"}", List.of(JSON));
      RawHttp.Reply reply = stream.await(
          r -> OpenApiContract.frameEvents(r.body()).contains("message"), WAIT);
      assertTrue(OpenApiContract.frameEvents(reply.body()).contains("message"), reply::toString);
      contract.check("GET", Routes.EVENTS, reply);
      assertEquals(200, reply.status());
    }
    try (RawHttp.EventStream replay = new RawHttp.EventStream(bobTcp.target(),
        plus(bobTcp.headers(), "Last-Event-ID: 0"))) {
      RawHttp.Reply reply = replay.await(
          r -> !OpenApiContract.frameEvents(r.body()).isEmpty(), WAIT);
      assertFalse(OpenApiContract.frameEvents(reply.body()).isEmpty(), reply::toString);
      contract.check("GET", Routes.EVENTS, reply);
    }
    expect(400, ErrorCodes.INVALID_REQUEST, bobUds, "GET", Routes.EVENTS + "?since=1", null,
        List.of());
    expect(400, ErrorCodes.INVALID_REQUEST, bobUds, "GET", Routes.EVENTS, null,
        List.of("Last-Event-ID: yesterday"));

    // streams that just closed may hold their slot until their next write: open until refused
    List<RawHttp.EventStream> open = new ArrayList<>();
    try {
      RawHttp.Reply refused = null;
      for (int i = 0; i < 40 && refused == null; i++) {
        RawHttp.EventStream s = new RawHttp.EventStream(bobUds.target(), List.of());
        open.add(s);
        RawHttp.Reply r = s.await(x -> x.status() != 200 || x.body().contains(": stream open"),
            WAIT);
        contract.check("GET", Routes.EVENTS, r);
        if (r.status() != 200) {
          refused = r;
        }
      }
      assertNotNull(refused, "no stream was refused");
      assertEquals(429, refused.status(), refused::toString);
      assertTrue(refused.body().contains(ErrorCodes.TOO_MANY_STREAMS), refused::toString);
    } finally {
      for (RawHttp.EventStream s : open) {
        s.close();
      }
    }
  }

  @Test
  @Order(5)
  void theSixtyFifthHeldRequestIsDaemonBusy() throws Exception {
    int held = 64;
    String json = "{\"to\": 1, \"message\": \"held\"}";
    byte[] head = RawHttp.head("POST", Routes.SEND, json.length(), true, List.of(JSON));
    ExecutorService readers = Executors.newCachedThreadPool();
    List<SocketChannel> channels = new ArrayList<>();
    List<CompletableFuture<RawHttp.Reply>> answers = new ArrayList<>();
    try {
      for (int i = 0; i < held + 1; i++) {
        SocketChannel channel = aliceUds.target().connect();
        channels.add(channel);
        RawHttp.write(channel, head);
        answers.add(CompletableFuture.supplyAsync(
            () -> RawHttp.parse(RawHttp.readToEnd(channel)), readers));
      }
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (answers.stream().noneMatch(CompletableFuture::isDone)
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      Thread.sleep(500);
      for (int i = 0; i < answers.size(); i++) {
        if (!answers.get(i).isDone()) {
          RawHttp.write(channels.get(i), json.getBytes(StandardCharsets.UTF_8));
        }
      }
      int busy = 0;
      for (CompletableFuture<RawHttp.Reply> a : answers) {
        RawHttp.Reply reply = a.get(30, TimeUnit.SECONDS);
        contract.check("POST", Routes.SEND, reply);
        if (reply.status() == 429) {
          busy++;
          assertTrue(reply.body().contains(ErrorCodes.DAEMON_BUSY), reply::toString);
        } else {
          assertEquals(400, reply.status(), reply::toString);
        }
      }
      assertEquals(1, busy, "one of 65 held requests is refused");
    } finally {
      for (SocketChannel c : channels) {
        c.close();
      }
      readers.shutdownNow();
    }
  }

  @Test
  @Order(6)
  void everyRouteAnswersRateLimitedAsDocumented() throws Exception {
    AtomicBoolean hammering = new AtomicBoolean(true);
    ExecutorService hammer = Executors.newFixedThreadPool(6);
    try {
      for (int i = 0; i < 6; i++) {
        hammer.execute(() -> {
          while (hammering.get()) {
            try {
              RawHttp.exchange(aliceTcp.target(), "GET", Routes.VERSION, null,
                  aliceTcp.headers());
            } catch (IOException e) {
              // keep going
            }
          }
        });
      }
      for (Routes.Endpoint e : Routes.Endpoint.values()) {
        boolean post = e.method().equals(Routes.POST);
        Answer last = null;
        for (int i = 0; i < 2000; i++) {
          // a request that slips through does nothing: a malformed body, or a read
          last = call(aliceTcp, e.method(), e.path(), post ? "{" : null,
              post ? List.of(JSON) : List.of(), e == Routes.Endpoint.EVENTS);
          if (last.reply().status() == 429) {
            break;
          }
        }
        assertEquals(429, last.reply().status(), e + ": " + last.reply());
        assertEquals(ErrorCodes.RATE_LIMITED, last.error(), last.reply()::toString);
      }
    } finally {
      hammering.set(false);
      hammer.shutdown();
      assertTrue(hammer.awaitTermination(30, TimeUnit.SECONDS));
    }
  }

  @Test
  @Order(7)
  void withTheBrokerGoneSendsQueueAndBrokerRoutesAre503() throws Exception {
    String bobKey = bobHealth().path("member_pubkey").asString();
    broker.close();
    poll503(Routes.PEERS);
    expect(503, ErrorCodes.BROKER_UNAVAILABLE, aliceUds, "GET", Routes.TOPIC_LIST, null,
        List.of());
    expect(503, ErrorCodes.BROKER_UNAVAILABLE, aliceUds, "POST", Routes.TOPIC_SUBSCRIBE,
        "{\"topic\":\"general\"}", List.of(JSON));
    expect(503, ErrorCodes.BROKER_UNAVAILABLE, aliceUds, "POST", Routes.TOPIC_UNSUBSCRIBE,
        "{\"topic\":\"general\"}", List.of(JSON));
    expect(503, ErrorCodes.BROKER_UNAVAILABLE, aliceUds, "POST", Routes.PROFILE,
        "{\"status\":\"away\"}", List.of(JSON));
    assertFalse(expect(200, null, aliceUds, "GET", Routes.HEALTH, null, List.of()).json()
        .path("connected").asBoolean());

    String pending = "{\"to\":\"" + bobKey + "\",\"message\":\"while away\"}";
    expect(202, null, aliceUds, "POST", Routes.SEND, pending,
        List.of(JSON, "Idempotency-Key: oas-pending-1"));
    expect(202, null, aliceUds, "POST", Routes.SEND, pending,
        List.of(JSON, "Idempotency-Key: oas-pending-1"));
    Answer mismatch = expect(409, ErrorCodes.IDEMPOTENCY_KEY_REUSED, aliceUds, "POST",
        Routes.SEND, "{\"to\":\"" + bobKey + "\",\"message\":\"changed\"}",
        List.of(JSON, "Idempotency-Key: oas-pending-1"));
    assertEquals(ErrorCodes.CONFLICT_PENDING_MISMATCH,
        mismatch.json().path("conflict").asString());
    expect(202, null, aliceUds, "POST", Routes.SEND, "{\"to\":\"" + bobKey
        + "\",\"message\":\"also away\"}", List.of(JSON, "Idempotency-Key: oas-pending-2"));

    JsonNode requeued = expect(200, null, aliceUds, "POST", Routes.OUTBOX_REQUEUE,
        "{\"id\":\"oas-pending-1\",\"auto\":true,\"message\":\"patched\",\"meta\":{\"v\":2}}",
        List.of(JSON)).json();
    assertEquals("oas-pending-1", requeued.path("aborted_id").asString());
    Answer reused = expect(409, ErrorCodes.IDEMPOTENCY_KEY_REUSED, aliceUds, "POST",
        Routes.OUTBOX_REQUEUE, "{\"id\":\"oas-pending-2\","
            + "\"new_client_message_id\":\"oas-dm-1\"}", List.of(JSON));
    assertTrue(reused.json().path("conflict").isMissingNode(), reused.reply()::toString);
    // the aborted row and its successor, with the requeue chain members
    JsonNode rows = expect(200, null, aliceUds, "GET", Routes.OUTBOX + "?status=aborted", null,
        List.of()).json();
    assertTrue(rows.toString().contains("superseded_by"), rows.toString());
  }

  @Test
  @Order(8)
  void everyDocumentedStatusWasProducedOrIsListedWithItsReason() {
    Set<String> documented = contract.documented();
    Set<String> exercised = contract.exercised();
    Set<String> missing = new TreeSet<>(documented);
    missing.removeAll(exercised);
    missing.removeAll(NOT_EXERCISED.keySet());
    assertEquals(Set.of(), missing, "documented statuses neither produced nor listed");
    Set<String> stale = new TreeSet<>(NOT_EXERCISED.keySet());
    stale.removeIf(k -> documented.contains(k) && !exercised.contains(k));
    assertEquals(Set.of(), stale, "listed as not exercised, but undocumented or produced");
    assertTrue(exercised.containsAll(Set.of("unrouted 403", "unrouted 404", "unrouted 405")),
        exercised.toString());
  }

  // ---- helpers ----

  private static Map<String, String> notExercised() {
    Map<String, String> m = new LinkedHashMap<>();
    for (Routes.Endpoint e : Routes.Endpoint.values()) {
      m.put(OpenApiContract.key(e.method(), e.path(), "500"),
          "internal_error answers a failure inside the daemon; no request produces one");
    }
    String degraded = "daemon_degraded needs the outbox at 100 % of its storage budget or a "
        + "broker that stops the daemon";
    String storage = "insufficient_storage needs the outbox files at 95 % of [outbox] max_bytes "
        + "(at least 1 MiB)";
    for (Routes.Endpoint e : List.of(Routes.Endpoint.SEND, Routes.Endpoint.TOPIC_POST)) {
      m.put(OpenApiContract.key(e.method(), e.path(), "503"), degraded);
      m.put(OpenApiContract.key(e.method(), e.path(), "507"), storage);
    }
    m.put(OpenApiContract.key("GET", Routes.EVENTS, "503"), degraded);
    for (Routes.Endpoint e : List.of(Routes.Endpoint.TOPIC_SUBSCRIBE,
        Routes.Endpoint.TOPIC_UNSUBSCRIBE, Routes.Endpoint.TOPIC_LIST, Routes.Endpoint.PEERS,
        Routes.Endpoint.PROFILE)) {
      m.put(OpenApiContract.key(e.method(), e.path(), "502"),
          "broker_error needs a broker refusal; the reference broker refuses none of these "
              + "requests from a member");
    }
    return m;
  }

  private DaemonRuntime daemon(String name) throws Exception {
    DaemonPaths paths = DaemonPaths.resolve(env, name);
    Peer.join(paths, env, broker.wsUrl(), broker.createInvite("team", 1, false), name);
    Files.writeString(paths.configToml(), "[ipc]\ntcp_enabled = true\n");
    return DaemonRuntime.start(new DaemonRuntime.Options(paths).env(env).persistent(true));
  }

  private static Client tcp(DaemonRuntime d) throws IOException {
    String token = Files.readString(d.paths().localToken()).strip();
    assertTrue(d.tcpPort() > 0, "TCP is on");
    return new Client(RawHttp.Target.tcp(d.tcpPort()), List.of("Authorization: Bearer " + token));
  }

  private void awaitConnected(Client c) throws Exception {
    poll(c, Routes.HEALTH, json -> json.path("connected").asBoolean());
  }

  private JsonNode bobHealth() throws Exception {
    return expect(200, null, bobUds, "GET", Routes.HEALTH, null, List.of()).json();
  }

  /** GETs {@code target} until its 200 body satisfies {@code done}; every answer is checked. */
  private JsonNode poll(Client c, String target, Predicate<JsonNode> done) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      last = expect(200, null, c, "GET", target, null, List.of()).json();
      if (done.test(last)) {
        return last;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(target + " never answered as awaited; last: " + last);
  }

  private void poll503(String path) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      Answer a = call(aliceUds, "GET", path, null, List.of(), false);
      if (a.reply().status() == 503) {
        assertEquals(ErrorCodes.BROKER_UNAVAILABLE, a.error());
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(path + " never answered 503 with the broker gone");
  }

  /** One request, checked against the document, with the expected status and error code. */
  private Answer expect(int status, @Nullable String error, Client c, String method,
      String target, @Nullable String body, List<String> headers) throws IOException {
    Answer a = call(c, method, target, body, headers, false);
    assertEquals(status, a.reply().status(), () -> method + " " + target + " over "
        + c.target() + ": " + a.reply());
    if (error != null) {
      assertEquals(error, a.error(), a.reply()::toString);
    }
    return a;
  }

  private Answer call(Client c, String method, String target, @Nullable String body,
      List<String> headers, boolean stream) throws IOException {
    List<String> all = plus(c.headers(), headers.toArray(String[]::new));
    RawHttp.Reply reply;
    if (stream) {
      try (RawHttp.EventStream s = new RawHttp.EventStream(c.target(), all)) {
        reply = s.await(r -> r.status() != 200 || r.body().contains(": stream open"), WAIT);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    } else {
      reply = RawHttp.exchange(c.target(), method, target, body, all);
    }
    int q = target.indexOf('?');
    JsonNode json = contract.check(method, q < 0 ? target : target.substring(0, q), reply);
    return new Answer(reply, json);
  }

  private static List<String> plus(List<String> headers, String... more) {
    List<String> all = new ArrayList<>(headers);
    all.addAll(List.of(more));
    return all;
  }

}
