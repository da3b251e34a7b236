package dev.claudemesh.daemon.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.api.ApiJson;
import dev.claudemesh.api.Routes;
import dev.claudemesh.api.SendRequest;
import dev.claudemesh.api.TopicList;
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

/** The topic routes over the real server, the peer replaced by fake ports. */
class TopicRoutesTest {
  static final String ID = "post-1";

  @TempDir Path tmp;

  private IpcServer server;
  private final List<SendRequest> sent = new ArrayList<>();
  private final List<String> calls = new ArrayList<>();
  private volatile AcceptResult next = AcceptResults.of(Kind.QUEUED, ID, null, null, null, null);
  private volatile @Nullable PeerException refusal;

  @BeforeEach
  void setUp() throws IOException {
    DaemonPaths paths = DaemonPaths.inDirectory(tmp.resolve("daemon"));
    SecureFiles.createPrivateDirectories(paths.dir());
    server = IpcServer.builder(paths).send(request -> {
      refuse();
      synchronized (sent) {
        sent.add(request);
      }
      return next;
    }).topics(new TopicPort() {
      @Override
      public TopicList list() throws PeerException {
        refuse();
        return new TopicList(List.of(new TopicList.Topic("general", true, null),
            new TopicList.Topic("ops", false, null)));
      }

      @Override
      public void subscribe(String topic) throws PeerException {
        refuse();
        record("subscribe " + topic);
      }

      @Override
      public void unsubscribe(String topic) throws PeerException {
        refuse();
        record("unsubscribe " + topic);
      }
    }).build();
    server.start();
  }

  private void refuse() throws PeerException {
    PeerException e = refusal;
    if (e != null) {
      throw e;
    }
  }

  private void record(String call) {
    synchronized (calls) {
      calls.add(call);
    }
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  private Reply post(String path, String body, String... headers) throws IOException {
    String[] all = Stream.concat(Stream.of("Content-Type: application/json"), Stream.of(headers))
        .toArray(String[]::new);
    return UdsHttp.request(server.socket(), "POST", path, body, all);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(Reply reply) {
    return ApiJson.fromJson(reply.body(), Map.class);
  }

  @Test
  void aTopicPostIsASendToTheTopic() throws IOException {
    Reply reply = post(Routes.TOPIC_POST, "{\"topic\":\"general\",\"message\":\"hi\","
        + "\"priority\":\"now\",\"mentions\":[\"bob\"],\"client_message_id\":\"" + ID + "\"}");
    assertEquals(202, reply.status(), reply.body());
    assertEquals(Map.of("client_message_id", ID, "status", "queued"), json(reply));
    assertEquals(new SendRequest("#general", "hi", "now", null, null, ID), sent.get(0));
  }

  @Test
  void aTopicGivenWithItsHashIsNotDoubled() throws IOException {
    assertEquals(202, post(Routes.TOPIC_POST, "{\"topic\":\"#ops\",\"message\":\"m\"}").status());
    assertEquals("#ops", sent.get(0).to());
  }

  @Test
  void idempotencyKeyWinsOverTheBodyId() throws IOException {
    post(Routes.TOPIC_POST, "{\"topic\":\"g\",\"message\":\"m\",\"client_message_id\":\"body\"}",
        "Idempotency-Key: header");
    assertEquals("header", sent.get(0).clientMessageId());
  }

  /** The same accept answers as {@code POST /v1/send}. */
  static Stream<Arguments> acceptRows() {
    return Stream.of(
        Arguments.of(AcceptResults.of(Kind.INFLIGHT_MATCH, ID, null, null, null, null), 202,
            "status", "inflight"),
        Arguments.of(AcceptResults.of(Kind.DONE_MATCH, ID, null, "b-1", "h-1", null), 200,
            "broker_message_id", "b-1"),
        Arguments.of(AcceptResults.of(Kind.PENDING_MISMATCH, ID, "0123456789abcdef", null, null,
            null), 409, "conflict", "outbox_pending_fingerprint_mismatch"),
        Arguments.of(AcceptResults.of(Kind.INSUFFICIENT_STORAGE, ID, null, null, null, null), 507,
            "error", "insufficient_storage"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("acceptRows")
  void acceptResultsMapLikeASend(AcceptResult result, int status, String member, Object value)
      throws IOException {
    next = result;
    Reply reply = post(Routes.TOPIC_POST, "{\"topic\":\"g\",\"message\":\"m\"}",
        "Idempotency-Key: " + ID);
    assertEquals(status, reply.status(), reply.body());
    assertEquals(value, json(reply).get(member));
  }

  static Stream<Arguments> refusedPosts() {
    return Stream.of(
        Arguments.of("missing topic", "{\"message\":\"m\"}"),
        Arguments.of("empty topic", "{\"topic\":\"\",\"message\":\"m\"}"),
        Arguments.of("missing message", "{\"topic\":\"g\"}"),
        Arguments.of("unknown priority", "{\"topic\":\"g\",\"message\":\"m\",\"priority\":\"x\"}"),
        Arguments.of("mentions not a list", "{\"topic\":\"g\",\"message\":\"m\",\"mentions\":\"b\"}"),
        Arguments.of("empty mention", "{\"topic\":\"g\",\"message\":\"m\",\"mentions\":[\"\"]}"),
        Arguments.of("unknown member", "{\"topic\":\"g\",\"message\":\"m\",\"to\":\"*\"}"),
        Arguments.of("bad id", "{\"topic\":\"g\",\"message\":\"m\",\"client_message_id\":\"\"}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedPosts")
  void invalidPostsAreRefusedBeforeTheOutbox(String name, String body) throws IOException {
    Reply reply = post(Routes.TOPIC_POST, body);
    assertEquals(400, reply.status(), name + ": " + reply.body());
    assertEquals("invalid_request", json(reply).get("error"));
    assertTrue(sent.isEmpty(), name);
  }

  @Test
  void bodyRoutesWantJson() throws IOException {
    for (String path : List.of(Routes.TOPIC_POST, Routes.TOPIC_SUBSCRIBE,
        Routes.TOPIC_UNSUBSCRIBE)) {
      Reply reply = UdsHttp.request(server.socket(), "POST", path, "{\"topic\":\"g\"}",
          "Content-Type: text/plain");
      assertEquals(415, reply.status(), path);
    }
    assertTrue(sent.isEmpty());
    assertTrue(calls.isEmpty());
  }

  @Test
  void subscribeAndUnsubscribeAreIdempotent() throws IOException {
    for (int i = 0; i < 2; i++) {
      Reply sub = post(Routes.TOPIC_SUBSCRIBE, "{\"topic\":\"general\"}");
      assertEquals(200, sub.status(), sub.body());
      assertEquals(Map.of("topic", "general", "subscribed", true), json(sub));
    }
    Reply unsub = post(Routes.TOPIC_UNSUBSCRIBE, "{\"topic\":\"general\"}");
    assertEquals(200, unsub.status(), unsub.body());
    assertEquals(Map.of("topic", "general", "subscribed", false), json(unsub));
    assertEquals(List.of("subscribe general", "subscribe general", "unsubscribe general"), calls);
  }

  @Test
  void invalidTopicBodiesAreRefusedBeforeThePeer() throws IOException {
    for (String body : List.of("{}", "{\"topic\":\"\"}", "{\"topic\":5}", "{\"topic\":\"g\",\"x\":1}",
        "[]")) {
      Reply reply = post(Routes.TOPIC_SUBSCRIBE, body);
      assertEquals(400, reply.status(), body);
    }
    assertTrue(calls.isEmpty());
  }

  @Test
  void listShowsTopicsAndSubscriptionState() throws IOException {
    Reply reply = UdsHttp.get(server.socket(), Routes.TOPIC_LIST);
    assertEquals(200, reply.status(), reply.body());
    assertEquals(Map.of("topics", List.of(Map.of("name", "general", "subscribed", true),
        Map.of("name", "ops", "subscribed", false))), json(reply));
  }

  @Test
  void aBrokerThatIsNotConnectedIs503OnEveryTopicRoute() throws IOException {
    refusal = PeerExceptions.of(PeerException.BROKER_UNAVAILABLE, 503, "not connected");
    List<Reply> replies = List.of(UdsHttp.get(server.socket(), Routes.TOPIC_LIST),
        post(Routes.TOPIC_SUBSCRIBE, "{\"topic\":\"g\"}"),
        post(Routes.TOPIC_UNSUBSCRIBE, "{\"topic\":\"g\"}"),
        post(Routes.TOPIC_POST, "{\"topic\":\"g\",\"message\":\"m\"}"));
    for (Reply reply : replies) {
      assertEquals(503, reply.status(), reply.body());
      assertEquals(Routes.MEDIA_PROBLEM_JSON, reply.header("Content-Type"));
      assertEquals("broker_unavailable", json(reply).get("error"));
      assertEquals(503L, json(reply).get("status"));
      assertNull(reply.header("Access-Control-Allow-Origin"));
    }
    assertTrue(calls.isEmpty());
  }

  @Test
  void aBrokerRefusalIs502() throws IOException {
    refusal = PeerExceptions.of(PeerException.BROKER_ERROR, 502, "the broker refused topic_join");
    Reply reply = post(Routes.TOPIC_SUBSCRIBE, "{\"topic\":\"g\"}");
    assertEquals(502, reply.status());
    assertEquals("broker_error", json(reply).get("error"));
    assertFalse(reply.body().isEmpty());
  }
}
