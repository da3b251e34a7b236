package dev.claudemesh.api;

import java.util.List;

/**
 * The frozen {@code /v1} routes (SPEC §3.3), the headers and media types they use, and the API
 * version. Every path is written once, here; {@link Endpoint} pairs each with its method.
 */
public final class Routes {
  private Routes() {}

  /** The IPC API version, also the path prefix. */
  public static final String API_VERSION = "v1";

  public static final String SEND = "/v1/send";
  public static final String TOPIC_POST = "/v1/topic/post";
  public static final String TOPIC_SUBSCRIBE = "/v1/topic/subscribe";
  public static final String TOPIC_UNSUBSCRIBE = "/v1/topic/unsubscribe";
  public static final String TOPIC_LIST = "/v1/topic/list";
  public static final String INBOX = "/v1/inbox";
  public static final String PEERS = "/v1/peers";
  public static final String PROFILE = "/v1/profile";
  public static final String OUTBOX = "/v1/outbox";
  public static final String OUTBOX_REQUEUE = "/v1/outbox/requeue";
  public static final String EVENTS = "/v1/events";
  public static final String HEALTH = "/v1/health";
  public static final String METRICS = "/v1/metrics";
  public static final String VERSION = "/v1/version";
  public static final String COMPAT = "/v1/compat";
  public static final String HEARTBEAT = "/v1/heartbeat";

  public static final String GET = "GET";
  public static final String POST = "POST";

  /** §4.2: the caller's {@code client_message_id}; wins over the body member. */
  public static final String HEADER_IDEMPOTENCY_KEY = "Idempotency-Key";
  /** §3.4: resume an event stream after this id. */
  public static final String HEADER_LAST_EVENT_ID = "Last-Event-ID";
  /** §3.2: seconds to wait after a {@code 429 rate_limited}. */
  public static final String HEADER_RETRY_AFTER = "Retry-After";
  /** §3.1: {@code Bearer <local_token>} on TCP. */
  public static final String HEADER_AUTHORIZATION = "Authorization";
  public static final String BEARER_PREFIX = "Bearer ";

  public static final String MEDIA_JSON = "application/json";
  public static final String MEDIA_PROBLEM_JSON = "application/problem+json";
  public static final String MEDIA_EVENT_STREAM = "text/event-stream";
  /** §10.4: Prometheus text exposition format 0.0.4. */
  public static final String MEDIA_PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  /** Query parameters of {@code GET /v1/inbox}. */
  public static final String QUERY_SINCE = "since";
  public static final String QUERY_TOPIC = "topic";
  public static final String QUERY_FROM = "from";
  public static final String QUERY_LIMIT = "limit";
  public static final String QUERY_CURSOR = "cursor";
  /** Query parameter of {@code GET /v1/outbox} (with limit and cursor). */
  public static final String QUERY_STATUS = "status";

  /** Optional IPC behaviours this API version offers, listed in {@code /v1/version}. */
  public static final String FEATURE_IDEMPOTENCY_KEY = "idempotency_key";
  public static final String FEATURE_PROBLEM_JSON = "problem_json";
  public static final String FEATURE_SSE_REPLAY = "sse_replay";
  public static final String FEATURE_INBOX_CURSOR = "inbox_cursor";
  public static final String FEATURE_OUTBOX_REQUEUE = "outbox_requeue";
  public static final String FEATURE_HEARTBEAT = "heartbeat";

  public static final List<String> IPC_FEATURES = List.of(
      FEATURE_IDEMPOTENCY_KEY, FEATURE_PROBLEM_JSON, FEATURE_SSE_REPLAY, FEATURE_INBOX_CURSOR,
      FEATURE_OUTBOX_REQUEUE, FEATURE_HEARTBEAT);

  /** One route of the frozen core: method and path. */
  public enum Endpoint {
    SEND(POST, Routes.SEND),
    TOPIC_POST(POST, Routes.TOPIC_POST),
    TOPIC_SUBSCRIBE(POST, Routes.TOPIC_SUBSCRIBE),
    TOPIC_UNSUBSCRIBE(POST, Routes.TOPIC_UNSUBSCRIBE),
    TOPIC_LIST(GET, Routes.TOPIC_LIST),
    INBOX(GET, Routes.INBOX),
    PEERS(GET, Routes.PEERS),
    PROFILE(POST, Routes.PROFILE),
    OUTBOX(GET, Routes.OUTBOX),
    OUTBOX_REQUEUE(POST, Routes.OUTBOX_REQUEUE),
    EVENTS(GET, Routes.EVENTS),
    HEALTH(GET, Routes.HEALTH),
    METRICS(GET, Routes.METRICS),
    VERSION(GET, Routes.VERSION),
    COMPAT(GET, Routes.COMPAT),
    HEARTBEAT(POST, Routes.HEARTBEAT);

    private final String method;
    private final String path;

    Endpoint(String method, String path) {
      this.method = method;
      this.path = path;
    }

    public String method() {
      return method;
    }

    public String path() {
      return path;
    }

    @Override
    public String toString() {
      return method + " " + path;
    }
  }
}
