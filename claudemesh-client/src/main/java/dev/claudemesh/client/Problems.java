package dev.claudemesh.client;

import dev.claudemesh.api.ApiJson;
import dev.claudemesh.api.ErrorCodes;
import dev.claudemesh.api.Problem;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Turns an error answer into the typed exception for its code: the one place that maps them. */
final class Problems {
  private static final int MAX_DETAIL = 200;

  private Problems() {}

  static ClaudemeshException toException(String route, int status, @Nullable String contentType,
      @Nullable String retryAfterHeader, String body) {
    Problem problem = parse(status, contentType, body);
    Long headerSeconds = retryAfterSeconds(retryAfterHeader);
    if (problem.retryAfter() == null && headerSeconds != null) {
      problem = new Problem(problem.title(), problem.status(), problem.detail(), problem.error(),
          problem.conflict(), problem.daemonFingerprintPrefix(), problem.brokerMessageId(),
          problem.reason(), headerSeconds);
    }
    switch (problem.error()) {
      case ErrorCodes.IDEMPOTENCY_KEY_REUSED:
        return new IdempotencyKeyReusedException(route, problem);
      case ErrorCodes.DAEMON_BUSY:
        return new DaemonBusyException(route, problem);
      case ErrorCodes.RATE_LIMITED:
        return new RateLimitedException(route, problem);
      case ErrorCodes.INSUFFICIENT_STORAGE:
        return new InsufficientStorageException(route, problem);
      case ErrorCodes.DESTINATION_UNRESOLVABLE:
        return new DestinationUnresolvableException(route, problem);
      case ErrorCodes.UNAUTHORIZED:
        return new UnauthorizedException(route, problem);
      case ErrorCodes.PAYLOAD_TOO_LARGE:
        return new PayloadTooLargeException(route, problem);
      case ErrorCodes.INVALID_REQUEST:
        return new InvalidRequestException(route, problem);
      case ErrorCodes.BROKER_UNAVAILABLE:
        return new BrokerUnavailableException(route, problem);
      case ErrorCodes.PRE_SEND_REJECTED:
        return new PreSendRejectedException(route, problem);
      default:
        return new ClaudemeshException(route, problem);
    }
  }

  private static Problem parse(int status, @Nullable String contentType, String body) {
    if (contentType != null && contentType.toLowerCase(Locale.ROOT).contains("json")) {
      try {
        Problem p = ApiJson.fromJson(body, Problem.class);
        if (!p.error().isEmpty()) {
          return p;
        }
      } catch (RuntimeException e) {
        // not a problem body: described below
      }
    }
    String snippet = body.strip();
    if (snippet.length() > MAX_DETAIL) {
      snippet = snippet.substring(0, MAX_DETAIL) + "…";
    }
    return new Problem(ErrorCodes.title(status), status,
        snippet.isEmpty() ? null : "answer without a problem body: " + snippet,
        "http_" + status, null, null, null, null, null);
  }

  /** Delay-seconds of {@code Retry-After} (RFC 9110 §10.2.3); an HTTP date is not used here. */
  static @Nullable Long retryAfterSeconds(@Nullable String header) {
    if (header == null) {
      return null;
    }
    String v = header.trim();
    if (v.isEmpty() || v.length() > 9) {
      return null;
    }
    for (int i = 0; i < v.length(); i++) {
      if (v.charAt(i) < '0' || v.charAt(i) > '9') {
        return null;
      }
    }
    return Long.parseLong(v);
  }
}
