package dev.claudemesh.daemon.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.api.ApiJson;
import dev.claudemesh.api.ErrorCodes;
import dev.claudemesh.api.Routes;
import dev.claudemesh.core.fingerprint.DestinationKind;
import dev.claudemesh.core.fingerprint.FingerprintRequest;
import dev.claudemesh.core.identity.DaemonPaths;
import dev.claudemesh.core.internal.SecureFiles;
import dev.claudemesh.core.store.Outbox;
import dev.claudemesh.core.store.OutboxStatus;
import dev.claudemesh.daemon.ipc.UdsHttp.Reply;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import dev.claudemesh.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code GET /v1/outbox} and {@code POST /v1/outbox/requeue} over the real server and a real outbox. */
class OutboxRoutesTest {
  @TempDir Path tmp;

  private final AtomicInteger wakes = new AtomicInteger();
  private Outbox outbox;
  private IpcServer server;

  private final MutableClock clock = new MutableClock(1_700_000_000_000L);

  @BeforeEach
  void setUp() throws IOException {
    DaemonPaths paths = DaemonPaths.inDirectory(tmp.resolve("daemon"));
    SecureFiles.createPrivateDirectories(paths.dir());
    outbox = Outbox.builder(SecureFiles.createPrivateDirectories(tmp.resolve("store")))
        .clock(clock).open();
    server = IpcServer.builder(paths).outbox(PeerPorts.outbox(outbox, wakes::incrementAndGet))
        .build();
    server.start();
  }

  @AfterEach
  void tearDown() {
    server.close();
    outbox.close();
  }

  private static FingerprintRequest topic(String body) {
    return FingerprintRequest.builder().destinationKind(DestinationKind.TOPIC)
        .destinationRef("ops").body(body).build();
  }

  private void accept(String id) throws IOException {
    clock.advance(Duration.ofMillis(1000));
    outbox.accept(id, topic("secret body of " + id));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(Reply reply) {
    return ApiJson.fromJson(reply.body(), Map.class);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> rows(Reply reply) {
    return (List<Map<String, Object>>) json(reply).get("rows");
  }

  private Reply list(String query) throws IOException {
    return UdsHttp.get(server.socket(), Routes.OUTBOX + query);
  }

  private Reply requeue(String body) throws IOException {
    return UdsHttp.request(server.socket(), "POST", Routes.OUTBOX_REQUEUE, body,
        "Content-Type: application/json");
  }

  @Test
  void rowsComeNewestFirstWithStateButNoPayload() throws IOException {
    accept("m1");
    accept("m2");
    outbox.markDead("m1", "broker said no");
    Reply reply = list("");
    assertEquals(200, reply.status(), reply.body());
    assertFalse(reply.body().contains("secret body"), "no payload in the operator view");
    List<Map<String, Object>> rows = rows(reply);
    assertEquals(2, rows.size());
    assertEquals("m2", rows.get(0).get("client_message_id"));
    Map<String, Object> dead = rows.get(1);
    assertEquals("dead", dead.get("status"));
    assertEquals("broker said no", dead.get("last_error"));
    assertEquals(1_700_000_001_000L, ((Number) dead.get("enqueued_at")).longValue());
    assertEquals(16, dead.get("daemon_fingerprint_prefix").toString().length());
    assertTrue(Set.of("id", "client_message_id", "status", "attempts", "enqueued_at",
        "next_attempt_at", "daemon_fingerprint_prefix", "last_error", "delivered_at",
        "broker_message_id", "history_id", "aborted_at", "aborted_by", "superseded_by")
        .containsAll(dead.keySet()), dead.keySet().toString());
    assertNull(json(reply).get("next_cursor"));
  }

  @Test
  void pagesFollowTheCursorToTheEnd() throws IOException {
    for (int i = 1; i <= 5; i++) {
      accept("m" + i);
    }
    Reply first = list("?limit=2");
    assertEquals(List.of("m5", "m4"), rows(first).stream().map(r -> r.get("client_message_id"))
        .toList());
    String cursor = (String) json(first).get("next_cursor");
    Reply second = list("?limit=2&cursor=" + cursor);
    assertEquals(List.of("m3", "m2"), rows(second).stream().map(r -> r.get("client_message_id"))
        .toList());
    Reply third = list("?limit=2&cursor=" + json(second).get("next_cursor"));
    assertEquals(List.of("m1"), rows(third).stream().map(r -> r.get("client_message_id"))
        .toList());
    assertNull(json(third).get("next_cursor"));
  }

  @Test
  void statusFiltersRows() throws IOException {
    accept("m1");
    accept("m2");
    outbox.markDead("m2", "x");
    assertEquals(List.of("m2"), rows(list("?status=dead")).stream()
        .map(r -> r.get("client_message_id")).toList());
    assertEquals(List.of("m1"), rows(list("?status=pending")).stream()
        .map(r -> r.get("client_message_id")).toList());
  }

  static Stream<Arguments> badQueries() {
    return Stream.of(
        Arguments.of("?limit=0", "?limit"),
        Arguments.of("?limit=1001", "?limit"),
        Arguments.of("?limit=1&limit=2", "?limit"),
        Arguments.of("?status=sent", "?status"),
        Arguments.of("?since=5", "?since"),
        Arguments.of("?cursor=***", "?cursor"),
        Arguments.of("?cursor=bm9wZQ", "?cursor"));
  }

  @ParameterizedTest
  @MethodSource("badQueries")
  void badQueriesAre400NamingTheParameter(String query, String parameter) throws IOException {
    Reply reply = list(query);
    assertEquals(400, reply.status(), reply.body());
    assertEquals(ErrorCodes.INVALID_REQUEST, json(reply).get("error"));
    assertTrue(json(reply).get("detail").toString().startsWith(parameter), reply.body());
  }

  @Test
  void aDeadRowIsRequeuedUnderTheNewId() throws IOException {
    accept("m1");
    outbox.markDead("m1", "x");
    Reply reply = requeue("{\"id\":\"m1\",\"new_client_message_id\":\"m1-again\"}");
    assertEquals(200, reply.status(), reply.body());
    Map<String, Object> body = json(reply);
    assertEquals("m1", body.get("aborted_id"));
    assertEquals("m1-again", body.get("client_message_id"));
    assertEquals("pending", body.get("status"));
    assertEquals(outbox.find("m1-again").orElseThrow().id(), body.get("id"));
    var old = outbox.find("m1").orElseThrow();
    assertEquals(OutboxStatus.ABORTED, old.status());
    assertEquals("ipc:uds", old.abortedBy().orElseThrow());
    assertEquals("m1-again", old.supersededBy().orElseThrow());
    assertEquals("secret body of m1", outbox.find("m1-again").orElseThrow().request().body());
    assertEquals(1, wakes.get());
  }

  @Test
  void aPendingRowIsRequeuedUnderAMintedIdWithAPatchedPayload() throws IOException {
    accept("m1");
    Reply reply = requeue("{\"id\":\"m1\",\"auto\":true,\"message\":\"fixed\","
        + "\"meta\":{\"k\":1}}");
    assertEquals(200, reply.status(), reply.body());
    String newId = (String) json(reply).get("client_message_id");
    var row = outbox.find(newId).orElseThrow();
    assertEquals("fixed", row.request().body());
    assertEquals(Map.of("k", 1L), Map.of("k", ((Number) row.request().meta().get("k")).longValue()));
    assertEquals("ops", row.request().destinationRef());
    assertFalse(row.fingerprint().equals(outbox.find("m1").orElseThrow().fingerprint()));
  }

  @Test
  void refusalsCarryTheirCodes() throws IOException {
    accept("m1");
    accept("m2");
    outbox.claimDue(10);
    outbox.markDone("m1", "b1", "h1", true);
    Reply done = requeue("{\"id\":\"m1\",\"auto\":true}");
    assertEquals(409, done.status(), done.body());
    assertEquals(ErrorCodes.OUTBOX_NOT_REQUEUEABLE, json(done).get("error"));
    Reply inflight = requeue("{\"id\":\"m2\",\"auto\":true}");
    assertEquals(409, inflight.status());
    assertEquals(ErrorCodes.OUTBOX_NOT_REQUEUEABLE, json(inflight).get("error"));
    Reply unknown = requeue("{\"id\":\"nope\",\"auto\":true}");
    assertEquals(404, unknown.status());
    assertEquals(ErrorCodes.NOT_FOUND, json(unknown).get("error"));

    accept("m3");
    Reply taken = requeue("{\"id\":\"m3\",\"new_client_message_id\":\"m1\"}");
    assertEquals(409, taken.status(), taken.body());
    assertEquals(ErrorCodes.IDEMPOTENCY_KEY_REUSED, json(taken).get("error"));
    assertEquals(OutboxStatus.PENDING, outbox.find("m3").orElseThrow().status());
    assertEquals(0, wakes.get());
  }

  @Test
  void badBodiesAreRefusedBeforeTheOutbox() throws IOException {
    accept("m1");
    assertEquals(400, requeue("{\"id\":\"m1\"}").status());
    assertEquals(400, requeue("{\"id\":\"m1\",\"auto\":true,\"new_client_message_id\":\"x\"}")
        .status());
    assertEquals(400, requeue("{\"id\":\"m1\",\"auto\":true,\"colour\":\"red\"}").status());
    assertEquals(400, requeue("not json").status());
    Reply media = UdsHttp.request(server.socket(), "POST", Routes.OUTBOX_REQUEUE,
        "{\"id\":\"m1\",\"auto\":true}", "Content-Type: text/plain");
    assertEquals(415, media.status());
    assertEquals(OutboxStatus.PENDING, outbox.find("m1").orElseThrow().status());
  }
}
