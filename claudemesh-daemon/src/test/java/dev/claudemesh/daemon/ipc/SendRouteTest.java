package dev.claudemesh.daemon.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.api.ApiJson;
import dev.claudemesh.api.Routes;
import dev.claudemesh.api.SendRequest;
import dev.claudemesh.core.PeerException;
import dev.claudemesh.core.PeerExceptions;
import dev.claudemesh.core.identity.DaemonPaths;
import dev.claudemesh.core.internal.SecureFiles;
import dev.claudemesh.core.store.AcceptResult;
import dev.claudemesh.core.store.AcceptResult.Kind;
import dev.claudemesh.core.store.AcceptResults;
import dev.claudemesh.daemon.ipc.UdsHttp.Reply;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code POST /v1/send} over the real server, the peer replaced by a fake {@link SendPort}. */
class SendRouteTest {
  static final String ID = "msg-1";
  static final String PREFIX = "0123456789abcdef";
  static final String BODY = "{\"to\":\"#general\",\"message\":\"hello\"}";

  @TempDir Path tmp;

  private IpcServer server;
  private final List<SendRequest> sent = new ArrayList<>();
  private volatile AcceptResult next;
  private volatile @Nullable Exception refusal;

  @BeforeEach
  void setUp() throws IOException {
    DaemonPaths paths = DaemonPaths.inDirectory(tmp.resolve("daemon"));
    SecureFiles.createPrivateDirectories(paths.dir());
    server = IpcServer.builder(paths).send(request -> {
      synchronized (sent) {
        sent.add(request);
      }
      Exception e = refusal;
      if (e instanceof PeerException) {
        throw (PeerException) e;
      }
      if (e instanceof IOException) {
        throw (IOException) e;
      }
      return next;
    }).build();
    server.start();
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  private Reply post(String body, String... headers) throws IOException {
    String[] all = Stream.concat(Stream.of("Content-Type: application/json"), Stream.of(headers))
        .toArray(String[]::new);
    return UdsHttp.request(server.socket(), "POST", Routes.SEND, body, all);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(Reply reply) {
    return ApiJson.fromJson(reply.body(), Map.class);
  }

  /** The §4.4 table: every row's status and members. */
  static Stream<Arguments> acceptTable() {
    return Stream.of(
        Arguments.of("none → queued", Kind.QUEUED, 202,
            Map.of("client_message_id", ID, "status", "queued")),
        Arguments.of("pending match → queued", Kind.PENDING_MATCH, 202,
            Map.of("client_message_id", ID, "status", "queued")),
        Arguments.of("inflight match → inflight", Kind.INFLIGHT_MATCH, 202,
            Map.of("client_message_id", ID, "status", "inflight")),
        Arguments.of("done match → duplicate", Kind.DONE_MATCH, 200,
            Map.of("client_message_id", ID, "duplicate", true, "broker_message_id", "b-7",
                "history_id", "h-9")),
        Arguments.of("pending mismatch", Kind.PENDING_MISMATCH, 409,
            conflict("outbox_pending_fingerprint_mismatch")),
        Arguments.of("inflight mismatch", Kind.INFLIGHT_MISMATCH, 409,
            conflict("outbox_inflight_fingerprint_mismatch")),
        Arguments.of("done mismatch + broker_message_id", Kind.DONE_MISMATCH, 409,
            with(conflict("outbox_done_fingerprint_mismatch"), "broker_message_id", "b-7")),
        Arguments.of("dead match + reason", Kind.DEAD_MATCH, 409,
            with(conflict("outbox_dead_fingerprint_match"), "reason", "broker said no")),
        Arguments.of("dead mismatch", Kind.DEAD_MISMATCH, 409,
            conflict("outbox_dead_fingerprint_mismatch")),
        Arguments.of("aborted match", Kind.ABORTED_MATCH, 409,
            conflict("outbox_aborted_fingerprint_match")),
        Arguments.of("aborted mismatch", Kind.ABORTED_MISMATCH, 409,
            conflict("outbox_aborted_fingerprint_mismatch")),
        Arguments.of("outbox full", Kind.INSUFFICIENT_STORAGE, 507,
            Map.of("error", "insufficient_storage", "status", 507L)));
  }

  private static Map<String, Object> conflict(String conflict) {
    return Map.of("error", "idempotency_key_reused", "conflict", conflict,
        "daemon_fingerprint_prefix", PREFIX, "status", 409L);
  }

  private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
    Map<String, Object> m = new java.util.HashMap<>(base);
    m.put(key, value);
    return m;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("acceptTable")
  void acceptResultMapsToItsAnswer(String row, Kind kind, int status, Map<String, Object> members)
      throws IOException {
    boolean conflictRow = kind.httpStatus() == 409;
    next = AcceptResults.of(kind, ID, conflictRow ? PREFIX : null,
        kind == Kind.DONE_MATCH || kind == Kind.DONE_MISMATCH ? "b-7" : null,
        kind == Kind.DONE_MATCH ? "h-9" : null,
        kind == Kind.DEAD_MATCH ? "broker said no" : null);
    Reply reply = post(BODY, "Idempotency-Key: " + ID);
    assertEquals(status, reply.status(), reply.body());
    assertEquals(status >= 400 ? Routes.MEDIA_PROBLEM_JSON : Routes.MEDIA_JSON,
        reply.header("Content-Type"));
    Map<String, Object> body = json(reply);
    members.forEach((k, v) -> assertEquals(v, body.get(k), row + ": " + k));
    if (kind != Kind.DONE_MISMATCH && conflictRow) {
      assertFalse(body.containsKey("broker_message_id"), row);
    }
    if (kind != Kind.DEAD_MATCH) {
      assertFalse(body.containsKey("reason"), row);
    }
    assertEquals(ID, sent.get(0).clientMessageId());
  }

  @Test
  void everyAcceptKindIsInTheTable() {
    EnumSet<Kind> covered = EnumSet.noneOf(Kind.class);
    acceptTable().forEach(a -> covered.add((Kind) a.get()[1]));
    assertEquals(EnumSet.allOf(Kind.class), covered);
  }

  @Test
  void idempotencyKeyWinsOverTheBodyId() throws IOException {
    next = AcceptResults.of(Kind.QUEUED, "from-header", null, null, null, null);
    Reply reply = post("{\"to\":\"*\",\"message\":\"m\",\"client_message_id\":\"from-body\"}",
        "Idempotency-Key: from-header");
    assertEquals(202, reply.status());
    assertEquals("from-header", sent.get(0).clientMessageId());
  }

  @Test
  void peerRefusalsKeepTheirStatusAndCode() throws IOException {
    refusal = PeerExceptions.of(PeerException.DESTINATION_UNRESOLVABLE, 422, "no peer named bob");
    Reply unresolvable = post("{\"to\":\"bob\",\"message\":\"m\"}");
    assertEquals(422, unresolvable.status());
    assertEquals("destination_unresolvable", json(unresolvable).get("error"));
    assertEquals("no peer named bob", json(unresolvable).get("detail"));

    refusal = PeerExceptions.of(PeerException.PAYLOAD_TOO_LARGE, 413, "over the inline limit");
    assertEquals(413, post(BODY).status());
    refusal = PeerExceptions.of(PeerException.BROKER_UNAVAILABLE, 503, "not connected");
    Reply down = post(BODY);
    assertEquals(503, down.status());
    assertEquals("broker_unavailable", json(down).get("error"));
    refusal = PeerExceptions.of(PeerException.BROKER_ERROR, 502, "the broker refused send: x");
    assertEquals(502, post(BODY).status());
  }

  @Test
  void anIoFailureIs500WithoutDetailsOfTheBody() throws IOException {
    refusal = new IOException("disk on fire");
    Reply reply = post(BODY);
    assertEquals(500, reply.status());
    assertEquals("internal_error", json(reply).get("error"));
    assertFalse(reply.body().contains("hello"));
  }

  /** Refusals before the port: the outbox is never reached. */
  static Stream<Arguments> refusedBodies() {
    return Stream.of(
        Arguments.of("malformed JSON", "{\"to\":", 400, "invalid_request"),
        Arguments.of("not an object", "[1]", 400, "invalid_request"),
        Arguments.of("wrong type", "{\"to\":5,\"message\":\"m\"}", 400, "invalid_request"),
        Arguments.of("missing message", "{\"to\":\"*\"}", 400, "invalid_request"),
        Arguments.of("unknown member", "{\"to\":\"*\",\"message\":\"m\",\"clientMessageId\":\"x\"}",
            400, "invalid_request"),
        Arguments.of("unknown priority", "{\"to\":\"*\",\"message\":\"m\",\"priority\":\"urgent\"}",
            400, "invalid_request"),
        Arguments.of("empty to", "{\"to\":\"\",\"message\":\"m\"}", 400, "invalid_request"),
        Arguments.of("bad body id", "{\"to\":\"*\",\"message\":\"m\",\"client_message_id\":\"\"}",
            400, "invalid_request"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedBodies")
  void invalidBodiesAreRefusedBeforeTheOutbox(String name, String body, int status, String error)
      throws IOException {
    next = AcceptResults.of(Kind.QUEUED, ID, null, null, null, null);
    Reply reply = post(body);
    assertEquals(status, reply.status(), reply.body());
    assertEquals(error, json(reply).get("error"));
    assertTrue(sent.isEmpty(), name);
  }

  @Test
  void badIdempotencyKeyAndMediaTypeAreRefusedBeforeTheOutbox() throws IOException {
    Reply badKey = post(BODY, "Idempotency-Key: " + "k".repeat(129));
    assertEquals(400, badKey.status());
    assertTrue(String.valueOf(json(badKey).get("detail")).contains("Idempotency-Key"));
    Reply text = UdsHttp.request(server.socket(), "POST", Routes.SEND, BODY,
        "Content-Type: text/plain");
    assertEquals(415, text.status());
    assertEquals("unsupported_media_type", json(text).get("error"));
    Reply none = UdsHttp.request(server.socket(), "POST", Routes.SEND, BODY);
    assertEquals(415, none.status());
    assertTrue(sent.isEmpty());
    assertNull(badKey.header("Access-Control-Allow-Origin"));
  }
}
