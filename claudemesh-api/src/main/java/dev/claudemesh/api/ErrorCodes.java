package dev.claudemesh.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The stable {@code error} codes of problem answers (SPEC §3, §4) and the HTTP status of each, in
 * one table. The §4.4 {@code conflict} values are listed separately: every one of them travels
 * with {@code error:"idempotency_key_reused"} and status 409.
 */
public final class ErrorCodes {
  private ErrorCodes() {}

  /** Body fails the schema or a field rule (§3.3, §4.2). */
  public static final String INVALID_REQUEST = "invalid_request";
  /** A token was sent in the query string (§3.1). */
  public static final String TOKEN_IN_QUERY = "token_in_query";
  /** Missing or wrong bearer token (§3.1). */
  public static final String UNAUTHORIZED = "unauthorized";
  /** {@code Host} is not a loopback name (§3.1). */
  public static final String FORBIDDEN_HOST = "forbidden_host";
  /** {@code Origin} not in the allowlist, or a CORS preflight (§3.1). */
  public static final String FORBIDDEN_ORIGIN = "forbidden_origin";
  /** A daemon control route ({@code /v1/daemon/...}) asked over TCP; it is served on the socket only. */
  public static final String SOCKET_ONLY = "socket_only";
  public static final String NOT_FOUND = "not_found";
  public static final String METHOD_NOT_ALLOWED = "method_not_allowed";
  /** Same id, different request or a finished row (§4.1, §4.4); see {@link #CONFLICTS}. */
  public static final String IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused";
  /** Only {@code dead} and {@code pending} rows can be requeued (§4.7). */
  public static final String OUTBOX_NOT_REQUEUEABLE = "outbox_not_requeueable";
  /** Body over 1 MiB, or a message over the negotiated inline limit (§3.2, §4.4). */
  public static final String PAYLOAD_TOO_LARGE = "payload_too_large";
  /** Body is not {@code application/json}. */
  public static final String UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type";
  /** {@code to} names no known peer (§3.3). */
  public static final String DESTINATION_UNRESOLVABLE = "destination_unresolvable";
  /** More than 64 requests in flight (§3.2). */
  public static final String DAEMON_BUSY = "daemon_busy";
  /** More than 32 event streams (§3.2). */
  public static final String TOO_MANY_STREAMS = "too_many_streams";
  /** Per-token rate exceeded; comes with {@code Retry-After} (§3.2). */
  public static final String RATE_LIMITED = "rate_limited";
  public static final String INTERNAL_ERROR = "internal_error";
  /** The broker answered with an error code (named in the detail). */
  public static final String BROKER_ERROR = "broker_error";
  /** No broker connection for a route that needs one (peers, topics). */
  public static final String BROKER_UNAVAILABLE = "broker_unavailable";
  /** A hook's capability token used beyond its scope (§9): another route or destination. */
  public static final String FORBIDDEN_SCOPE = "forbidden_scope";
  /** The {@code pre-send} hook refused the send, timed out or could not run (§9). */
  public static final String PRE_SEND_REJECTED = "pre_send_rejected";
  /** The daemon is degraded (§4.9 at 100 %, or stopped by the broker). */
  public static final String DAEMON_DEGRADED = "daemon_degraded";
  /** The outbox is at 95 % of its byte budget (§4.9). */
  public static final String INSUFFICIENT_STORAGE = "insufficient_storage";

  public static final String CONFLICT_PENDING_MISMATCH = "outbox_pending_fingerprint_mismatch";
  public static final String CONFLICT_INFLIGHT_MISMATCH = "outbox_inflight_fingerprint_mismatch";
  public static final String CONFLICT_DONE_MISMATCH = "outbox_done_fingerprint_mismatch";
  public static final String CONFLICT_DEAD_MATCH = "outbox_dead_fingerprint_match";
  public static final String CONFLICT_DEAD_MISMATCH = "outbox_dead_fingerprint_mismatch";
  public static final String CONFLICT_ABORTED_MATCH = "outbox_aborted_fingerprint_match";
  public static final String CONFLICT_ABORTED_MISMATCH = "outbox_aborted_fingerprint_mismatch";

  /** Every {@code conflict} value of a 409 {@code idempotency_key_reused}: the seven §4.4 rows. */
  public static final List<String> CONFLICTS = List.of(
      CONFLICT_PENDING_MISMATCH, CONFLICT_INFLIGHT_MISMATCH, CONFLICT_DONE_MISMATCH,
      CONFLICT_DEAD_MATCH, CONFLICT_DEAD_MISMATCH, CONFLICT_ABORTED_MATCH,
      CONFLICT_ABORTED_MISMATCH);

  private static final Map<String, Integer> STATUS;
  private static final Map<Integer, String> TITLES;

  static {
    Map<String, Integer> s = new LinkedHashMap<>();
    s.put(INVALID_REQUEST, 400);
    s.put(TOKEN_IN_QUERY, 400);
    s.put(UNAUTHORIZED, 401);
    s.put(FORBIDDEN_HOST, 403);
    s.put(FORBIDDEN_ORIGIN, 403);
    s.put(SOCKET_ONLY, 403);
    s.put(FORBIDDEN_SCOPE, 403);
    s.put(PRE_SEND_REJECTED, 403);
    s.put(NOT_FOUND, 404);
    s.put(METHOD_NOT_ALLOWED, 405);
    s.put(IDEMPOTENCY_KEY_REUSED, 409);
    s.put(OUTBOX_NOT_REQUEUEABLE, 409);
    s.put(PAYLOAD_TOO_LARGE, 413);
    s.put(UNSUPPORTED_MEDIA_TYPE, 415);
    s.put(DESTINATION_UNRESOLVABLE, 422);
    s.put(DAEMON_BUSY, 429);
    s.put(TOO_MANY_STREAMS, 429);
    s.put(RATE_LIMITED, 429);
    s.put(INTERNAL_ERROR, 500);
    s.put(BROKER_ERROR, 502);
    s.put(BROKER_UNAVAILABLE, 503);
    s.put(DAEMON_DEGRADED, 503);
    s.put(INSUFFICIENT_STORAGE, 507);
    STATUS = Collections.unmodifiableMap(s);

    Map<Integer, String> t = new LinkedHashMap<>();
    t.put(400, "Bad Request");
    t.put(401, "Unauthorized");
    t.put(403, "Forbidden");
    t.put(404, "Not Found");
    t.put(405, "Method Not Allowed");
    t.put(409, "Conflict");
    t.put(413, "Content Too Large");
    t.put(415, "Unsupported Media Type");
    t.put(422, "Unprocessable Content");
    t.put(429, "Too Many Requests");
    t.put(500, "Internal Server Error");
    t.put(502, "Bad Gateway");
    t.put(503, "Service Unavailable");
    t.put(507, "Insufficient Storage");
    TITLES = Collections.unmodifiableMap(t);
  }

  /** Every error code with its HTTP status, in declaration order. */
  public static Map<String, Integer> statusTable() {
    return STATUS;
  }

  /** The HTTP status answered with {@code code}, or empty for a code this version does not know. */
  public static OptionalInt status(String code) {
    Integer s = STATUS.get(code);
    return s == null ? OptionalInt.empty() : OptionalInt.of(s);
  }

  /** The HTTP status of a code defined here; a misuse (an unknown code) is a bug. */
  static int requireStatus(String code) {
    Integer s = STATUS.get(code);
    if (s == null) {
      throw new IllegalArgumentException("unknown error code: " + code);
    }
    return s;
  }

  /** The RFC 9110 reason phrase used as the problem {@code title} for {@code status}. */
  public static String title(int status) {
    String t = TITLES.get(status);
    return t != null ? t : "HTTP " + status;
  }
}
