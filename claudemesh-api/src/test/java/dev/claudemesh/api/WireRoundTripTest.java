package dev.claudemesh.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every wire type: the exact JSON it writes, and reading that JSON gives the value back. */
class WireRoundTripTest {
  private static final String PUBKEY = "ab".repeat(32);

  static Stream<Arguments> examples() {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("thread", "t-1");
    meta.put("n", 3L);
    meta.put("x", 0.5);
    meta.put("tags", List.of("a", "b"));
    Map<String, Object> nullsInMeta = new LinkedHashMap<>();
    nullsInMeta.put("a", null);
    nullsInMeta.put("b", java.util.Arrays.asList(1L, null));
    Map<String, Object> features = new LinkedHashMap<>();
    features.put("client_message_id_dedupe", Map.of("window_days", 7L));
    return Stream.of(
        Arguments.of("send, minimal", SendRequest.class, SendRequest.of(PUBKEY, "hello"),
            "{\"to\":\"" + PUBKEY + "\",\"message\":\"hello\"}"),
        Arguments.of("send, every member", SendRequest.class,
            new SendRequest("#ops", "deploy done", "now", meta, "m-0", "deploy-42"),
            "{\"to\":\"#ops\",\"message\":\"deploy done\",\"priority\":\"now\","
                + "\"meta\":{\"thread\":\"t-1\",\"n\":3,\"x\":0.5,\"tags\":[\"a\",\"b\"]},"
                + "\"reply_to_id\":\"m-0\",\"client_message_id\":\"deploy-42\"}"),
        Arguments.of("send, nulls inside meta are kept", SendRequest.class,
            new SendRequest("alice", "m", null, nullsInMeta, null, null),
            "{\"to\":\"alice\",\"message\":\"m\",\"meta\":{\"a\":null,\"b\":[1,null]}}"),
        Arguments.of("event with a null in data", ServerEvent.class,
            new ServerEvent(8, EventKinds.OUTBOX_DEAD, nullsInMeta(1L)),
            "{\"id\":8,\"event\":\"outbox_dead\",\"data\":{\"ts\":1,\"reason\":null}}"),
        Arguments.of("free-form map", Map.class, nullsInMeta,
            "{\"a\":null,\"b\":[1,null]}"),
        Arguments.of("202 queued", SendResponse.class, SendResponse.queued("deploy-42"),
            "{\"client_message_id\":\"deploy-42\",\"status\":\"queued\"}"),
        Arguments.of("202 inflight", SendResponse.class, SendResponse.inflight("deploy-42"),
            "{\"client_message_id\":\"deploy-42\",\"status\":\"inflight\"}"),
        Arguments.of("200 duplicate", SendResponse.class,
            SendResponse.duplicate("deploy-42", "bm-9", "h-9"),
            "{\"client_message_id\":\"deploy-42\",\"duplicate\":true,"
                + "\"broker_message_id\":\"bm-9\",\"history_id\":\"h-9\"}"),
        Arguments.of("topic post", TopicPostRequest.class,
            new TopicPostRequest("ops", "hi all", "low", List.of("alice"), null),
            "{\"topic\":\"ops\",\"message\":\"hi all\",\"priority\":\"low\",\"mentions\":[\"alice\"]}"),
        Arguments.of("topic subscribe", TopicRequest.class, new TopicRequest("ops"),
            "{\"topic\":\"ops\"}"),
        Arguments.of("topic list", TopicList.class,
            new TopicList(List.of(new TopicList.Topic("ops", true, "operations"),
                new TopicList.Topic("random", false, null))),
            "{\"topics\":[{\"name\":\"ops\",\"subscribed\":true,\"description\":\"operations\"},"
                + "{\"name\":\"random\",\"subscribed\":false}]}"),
        Arguments.of("inbox page", InboxPage.class,
            new InboxPage(List.of(new InboxMessage("in-1", "c-1", "bm-1", null, PUBKEY, "alice",
                "hi", null, "next", null, 1767225600000L)), "cur-2"),
            "{\"messages\":[{\"id\":\"in-1\",\"client_message_id\":\"c-1\",\"broker_message_id\":"
                + "\"bm-1\",\"sender_pubkey\":\"" + PUBKEY + "\",\"sender_name\":\"alice\","
                + "\"message\":\"hi\",\"priority\":\"next\",\"received_at\":1767225600000}],"
                + "\"next_cursor\":\"cur-2\"}"),
        Arguments.of("inbox, last page", InboxPage.class, new InboxPage(List.of(), null),
            "{\"messages\":[]}"),
        Arguments.of("peers", PeerList.class,
            new PeerList(List.of(new PeerList.Peer(PUBKEY, "alice", "working", "on tests", null,
                null, List.of("review")))),
            "{\"peers\":[{\"pubkey\":\"" + PUBKEY + "\",\"name\":\"alice\",\"status\":\"working\","
                + "\"summary\":\"on tests\",\"capabilities\":[\"review\"]}]}"),
        Arguments.of("profile", Profile.class,
            new Profile("reviewing", null, true, null, null, null, List.of()),
            "{\"summary\":\"reviewing\",\"visible\":true,\"capabilities\":[]}"),
        Arguments.of("outbox page", OutboxPage.class,
            new OutboxPage(List.of(new OutboxRow("o-1", "c-1", OutboxRow.STATUS_DEAD, 5, 1000L,
                2000L, "0011223344556677", "max age", null, null, null, null, null, null)), null),
            "{\"rows\":[{\"id\":\"o-1\",\"client_message_id\":\"c-1\",\"status\":\"dead\","
                + "\"attempts\":5,\"enqueued_at\":1000,\"next_attempt_at\":2000,"
                + "\"daemon_fingerprint_prefix\":\"0011223344556677\",\"last_error\":\"max age\"}]}"),
        Arguments.of("requeue", RequeueRequest.class,
            new RequeueRequest("o-1", "c-1-retry", null, null, null),
            "{\"id\":\"o-1\",\"new_client_message_id\":\"c-1-retry\"}"),
        Arguments.of("requeue, auto", RequeueRequest.class,
            new RequeueRequest("o-1", null, true, "patched", null),
            "{\"id\":\"o-1\",\"auto\":true,\"message\":\"patched\"}"),
        Arguments.of("requeue answer", RequeueResponse.class,
            new RequeueResponse("o-1", "o-2", "c-1-retry", "queued"),
            "{\"aborted_id\":\"o-1\",\"id\":\"o-2\",\"client_message_id\":\"c-1-retry\","
                + "\"status\":\"queued\"}"),
        Arguments.of("health", Health.class,
            new Health(true, 12, 3, 1, 0, "mesh-1", PUBKEY, 3600, 2, "0.1.0", "1.4.0", false),
            "{\"connected\":true,\"lag_ms\":12,\"queue_depth\":3,\"inflight\":1,\"dead\":0,"
                + "\"mesh\":\"mesh-1\",\"member_pubkey\":\"" + PUBKEY + "\",\"uptime_s\":3600,"
                + "\"schema_version\":2,\"daemon_version\":\"0.1.0\",\"broker_version\":\"1.4.0\","
                + "\"degraded\":false}"),
        Arguments.of("version", Version.class, Version.current("0.1.0", 2, features),
            "{\"daemon_version\":\"0.1.0\",\"ipc_api\":\"v1\",\"ipc_features\":[\"idempotency_key\","
                + "\"problem_json\",\"sse_replay\",\"inbox_cursor\",\"outbox_requeue\",\"heartbeat\"],"
                + "\"schema_version\":2,\"broker_features_negotiated\":"
                + "{\"client_message_id_dedupe\":{\"window_days\":7}}}"),
        Arguments.of("compat", Compat.class,
            new Compat("0.1.0", List.of("v1"), List.of(1, 2), List.of("client_message_id_dedupe"),
                List.of("client_message_id_dedupe")),
            "{\"daemon_version\":\"0.1.0\",\"ipc_apis\":[\"v1\"],\"schema_versions\":[1,2],"
                + "\"broker_features\":[\"client_message_id_dedupe\"],"
                + "\"broker_features_required\":[\"client_message_id_dedupe\"]}"),
        Arguments.of("heartbeat", HeartbeatRequest.class, new HeartbeatRequest("editor", 4242L),
            "{\"caller\":\"editor\",\"pid\":4242}"),
        Arguments.of("heartbeat, empty", HeartbeatRequest.class, new HeartbeatRequest(null, null),
            "{}"),
        Arguments.of("heartbeat answer", Heartbeat.class, new Heartbeat(true, 1767225600000L),
            "{\"ok\":true,\"ts\":1767225600000}"),
        Arguments.of("event", ServerEvent.class,
            new ServerEvent(7, EventKinds.PEER_JOIN, Map.of("ts", 1767225600000L)),
            "{\"id\":7,\"event\":\"peer_join\",\"data\":{\"ts\":1767225600000}}"),
        Arguments.of("problem 409 done mismatch", Problem.class,
            Problem.idempotencyConflict(ErrorCodes.CONFLICT_DONE_MISMATCH, "0011223344556677",
                "bm-9", null),
            "{\"title\":\"Conflict\",\"status\":409,\"detail\":\"client_message_id already used: "
                + "outbox_done_fingerprint_mismatch\",\"error\":\"idempotency_key_reused\","
                + "\"conflict\":\"outbox_done_fingerprint_mismatch\","
                + "\"daemon_fingerprint_prefix\":\"0011223344556677\",\"broker_message_id\":\"bm-9\"}"),
        Arguments.of("problem 409 dead match", Problem.class,
            Problem.idempotencyConflict(ErrorCodes.CONFLICT_DEAD_MATCH, "8899aabbccddeeff", null,
                "max age exceeded"),
            "{\"title\":\"Conflict\",\"status\":409,\"detail\":\"client_message_id already used: "
                + "outbox_dead_fingerprint_match\",\"error\":\"idempotency_key_reused\","
                + "\"conflict\":\"outbox_dead_fingerprint_match\","
                + "\"daemon_fingerprint_prefix\":\"8899aabbccddeeff\",\"reason\":\"max age exceeded\"}"),
        Arguments.of("problem 429", Problem.class,
            Problem.retryAfter(ErrorCodes.RATE_LIMITED, "over 100 requests/s", 2),
            "{\"title\":\"Too Many Requests\",\"status\":429,\"detail\":\"over 100 requests/s\","
                + "\"error\":\"rate_limited\",\"retry_after\":2}"),
        Arguments.of("problem 507", Problem.class,
            Problem.of(ErrorCodes.INSUFFICIENT_STORAGE, "outbox at 95 % of max_bytes"),
            "{\"title\":\"Insufficient Storage\",\"status\":507,"
                + "\"detail\":\"outbox at 95 % of max_bytes\",\"error\":\"insufficient_storage\"}"));
  }

  private static Map<String, Object> nullsInMeta(long ts) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ts", ts);
    m.put("reason", null);
    return m;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void writesExactJsonAndReadsItBack(String name, Class<?> type, Object value, String json) {
    assertEquals(json, ApiJson.toJson(value));
    assertEquals(value, ApiJson.fromJson(json, type));
  }
}
