package dev.claudemesh.daemon.ipc;

import dev.claudemesh.api.ApiJson;
import dev.claudemesh.api.ErrorCodes;
import dev.claudemesh.api.Problem;
import dev.claudemesh.api.RequestRules;
import dev.claudemesh.api.Routes;
import dev.claudemesh.core.identity.LocalTokens;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Semaphore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loopback guard of SPEC §3.1 and §3.2 in one place, then the route table. Every request of
 * either transport passes here in this order: token in the query (400), {@code Host} (403),
 * {@code Origin} (403), CORS preflight (403), bearer token (401: required on TCP; on the socket
 * optional, but a wrong or dead one is refused), requests in flight (429 {@code daemon_busy}),
 * rate per token (429 {@code rate_limited}), route (404, 405), body size (413), the scope of a
 * hook's capability token (403 {@code forbidden_scope}), handler. Nothing here logs a token, a
 * header value or the query.
 */
final class IpcDispatcher {
  /** §3.2: the largest request body. */
  static final int MAX_BODY_BYTES = 1 << 20;
  /** §3.2: requests handled at once. */
  static final int MAX_IN_FLIGHT = 64;

  private static final Logger log = LoggerFactory.getLogger(IpcDispatcher.class);
  private static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");
  /** Query parameter names that can only be an attempt to pass the token in the URL. */
  private static final Set<String> TOKEN_PARAMETERS = Set.of("token", "access_token",
      "local_token", "bearer", "auth", "authorization", "api_key");

  /** Where the guard reads the body from, once every check before it has passed. */
  @FunctionalInterface
  interface BodySource {
    InputStream open() throws IOException;
  }

  private final RouteTable routes;
  private final @Nullable LocalTokens tokens;
  private final Capabilities capabilities;
  private volatile boolean publicHealthCheck;
  private volatile Set<String> originAllowlist;
  private final Semaphore inFlight;
  private final RateLimiter rateLimiter;
  private final RequestObserver observer;

  IpcDispatcher(RouteTable routes, @Nullable LocalTokens tokens, Capabilities capabilities,
      boolean publicHealthCheck, List<String> originAllowlist, int maxInFlight,
      RateLimiter rateLimiter, RequestObserver observer) {
    this.routes = routes;
    this.tokens = tokens;
    this.capabilities = capabilities;
    this.publicHealthCheck = publicHealthCheck;
    this.originAllowlist = Set.copyOf(originAllowlist);
    this.inFlight = new Semaphore(maxInFlight);
    this.rateLimiter = rateLimiter;
    this.observer = observer;
  }

  /** Applies the live {@code [ipc]} settings of a config reload to the next requests. */
  void applyLive(boolean publicHealthCheck, List<String> originAllowlist) {
    this.originAllowlist = Set.copyOf(originAllowlist);
    this.publicHealthCheck = publicHealthCheck;
  }

  /**
   * Answers one request and tells the observer, in one place for every answer (guard refusals,
   * 404s and handler answers alike). {@code call} has no body yet; {@code contentLength} is the
   * declared length or -1.
   */
  ApiResponse dispatch(ApiCall call, long contentLength, BodySource body) {
    long start = System.nanoTime();
    ApiResponse answer = guardAndRoute(call, contentLength, body);
    observer.answered(routes.hasPath(call.path()) ? call.path() : null, answer.status(),
        call.transport(), System.nanoTime() - start);
    return answer;
  }

  private ApiResponse guardAndRoute(ApiCall call, long contentLength, BodySource body) {
    if (tokenInQuery(call.rawQuery())) {
      log.warn("security: refused {} {} over {}: a token was sent in the query string; send it in"
          + " the Authorization header", call.method(), call.path(), call.transport());
      return problem(ErrorCodes.TOKEN_IN_QUERY,
          "a token must not be sent in the query string; use Authorization: Bearer");
    }
    List<String> hosts = call.headers("Host");
    if (hosts.size() > 1 || (hosts.size() == 1 && !loopbackHost(hosts.get(0)))) {
      return problem(ErrorCodes.FORBIDDEN_HOST,
          "Host must be localhost, 127.0.0.1 or [::1] (with an optional port)");
    }
    for (String origin : call.headers("Origin")) {
      if (!originAllowlist.contains(origin)) {
        return problem(ErrorCodes.FORBIDDEN_ORIGIN,
            "Origin is not in [ipc] origin_allowlist; browsers may not call the daemon");
      }
    }
    if (call.method().equals("OPTIONS")) {
      return problem(ErrorCodes.FORBIDDEN_ORIGIN, "CORS preflight is refused");
    }
    String caller = call.transport().name();
    @Nullable String authorization = call.header(Routes.HEADER_AUTHORIZATION);
    @Nullable String token = bearerToken(authorization);
    Capabilities.@Nullable Capability capability = null;
    if (tokens != null && tokens.matches(token)) {
      if (call.transport() == Transport.TCP) {
        caller = "token:" + sha256Prefix(token);
      }
    } else if (token != null
        && (capability = capabilities.lookup(token).orElse(null)) != null) {
      caller = "capability:" + capability.rateKey();
    } else if (call.transport() == Transport.TCP) {
      if (publicHealthCheck && call.path().equals(Routes.HEALTH)) {
        caller = "public-health";
      } else {
        return problem(ErrorCodes.UNAUTHORIZED,
            "TCP requests need Authorization: Bearer <local_token>")
            .withHeader("WWW-Authenticate", "Bearer");
      }
    } else if (authorization != null) {
      // the socket needs no token, but a credential it cannot honour is refused, never ignored:
      // a hook token is dead once its hook has exited (SPEC §9)
      return problem(ErrorCodes.UNAUTHORIZED, "the bearer token is neither the local token nor"
          + " a live hook token (a hook token ends when its hook exits, at the latest after 5"
          + " minutes); requests over the socket may leave Authorization out")
          .withHeader("WWW-Authenticate", "Bearer");
    }
    if (!inFlight.tryAcquire()) {
      return ApiResponse.problem(Problem.retryAfter(ErrorCodes.DAEMON_BUSY,
          "more than " + MAX_IN_FLIGHT + " requests in flight", 1));
    }
    try {
      OptionalLong wait = rateLimiter.acquire(caller);
      if (wait.isPresent()) {
        return ApiResponse.problem(Problem.retryAfter(ErrorCodes.RATE_LIMITED,
            "this caller is over its request rate",
            wait.getAsLong()));
      }
      RouteHandler handler = routes.match(call.method(), call.path());
      if (contentLength > MAX_BODY_BYTES) {
        return tooLarge(contentLength);
      }
      byte[] bytes;
      try (InputStream in = body.open()) {
        bytes = readAtMost(in, MAX_BODY_BYTES);
      } catch (IOException e) {
        return problem(ErrorCodes.INVALID_REQUEST, "could not read the request body");
      }
      if (bytes == null) {
        return tooLarge(-1);
      }
      if (capability != null) {
        Optional<String> refusal = capability.refusal(scoped(call, bytes));
        if (refusal.isPresent()) {
          log.warn("security: capability {} refused for {} {}: {}", capability.label(),
              call.method(), call.path(), refusal.get());
          return problem(ErrorCodes.FORBIDDEN_SCOPE, refusal.get());
        }
      }
      return handler.handle(call.withBody(bytes));
    } catch (IOException | RuntimeException e) {
      log.error("{} failed", call, e);
      return problem(ErrorCodes.INTERNAL_ERROR, call.method() + " " + call.path()
          + " failed; see the daemon log");
    } finally {
      inFlight.release();
    }
  }

  /**
   * What a capability needs to judge a request: for the two send routes the destination and
   * {@code reply_to_id} as the body states them (nulls when it does not parse as an object).
   */
  static Capabilities.Request scoped(ApiCall call, byte[] body) {
    @Nullable String to = null;
    @Nullable String replyToId = null;
    boolean send = call.path().equals(Routes.SEND);
    if (send || call.path().equals(Routes.TOPIC_POST)) {
      Map<?, ?> json;
      try {
        json = ApiJson.fromJson(new String(body, StandardCharsets.UTF_8), Map.class);
      } catch (RuntimeException e) { // ApiJsonException, or a body that is not an object
        json = Map.of();
      }
      if (send) {
        to = json.get("to") instanceof String ? (String) json.get("to") : null;
        replyToId = json.get("reply_to_id") instanceof String ? (String) json.get("reply_to_id")
            : null;
      } else if (json.get("topic") instanceof String) {
        String topic = (String) json.get("topic");
        to = topic.startsWith(RequestRules.TOPIC_PREFIX) ? topic
            : RequestRules.TOPIC_PREFIX + topic;
      }
    }
    return new Capabilities.Request(call.method(), call.path(), to, replyToId);
  }

  private static ApiResponse problem(String code, String detail) {
    return ApiResponse.problem(Problem.of(code, detail));
  }

  private static ApiResponse tooLarge(long declared) {
    return problem(ErrorCodes.PAYLOAD_TOO_LARGE, "request body "
        + (declared >= 0 ? "of " + declared + " bytes " : "") + "is over " + MAX_BODY_BYTES
        + " bytes");
  }

  /** The body, or null when it is longer than {@code limit}; reads at most {@code limit + 1} bytes. */
  private static byte @Nullable [] readAtMost(InputStream in, int limit) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    int total = 0;
    while (true) {
      int n = in.read(buffer, 0, Math.min(buffer.length, limit + 1 - total));
      if (n < 0) {
        return out.toByteArray();
      }
      total += n;
      if (total > limit) {
        return null;
      }
      out.write(buffer, 0, n);
    }
  }

  private boolean tokenInQuery(@Nullable String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return false;
    }
    boolean found = false;
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq)).toLowerCase(Locale.ROOT);
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      found |= TOKEN_PARAMETERS.contains(name);
      if (tokens != null) {
        found |= tokens.matches(value) | tokens.matches(name);
      }
    }
    return found;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  static boolean loopbackHost(String host) {
    String h = host.trim().toLowerCase(Locale.ROOT);
    String name;
    String port;
    if (h.startsWith("[")) {
      int close = h.indexOf(']');
      if (close < 0) {
        return false;
      }
      name = h.substring(0, close + 1);
      port = h.substring(close + 1);
    } else {
      int colon = h.indexOf(':');
      name = colon < 0 ? h : h.substring(0, colon);
      port = colon < 0 ? "" : h.substring(colon);
    }
    if (!port.isEmpty() && !port.matches(":[0-9]{1,5}")) {
      return false;
    }
    return LOOPBACK_HOSTS.contains(name);
  }

  private static @Nullable String bearerToken(@Nullable String authorization) {
    if (authorization == null || authorization.length() <= Routes.BEARER_PREFIX.length()
        || !authorization.regionMatches(true, 0, Routes.BEARER_PREFIX, 0,
            Routes.BEARER_PREFIX.length())) {
      return null;
    }
    return authorization.substring(Routes.BEARER_PREFIX.length()).trim();
  }

  private static String sha256Prefix(@Nullable String token) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(String.valueOf(token).getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
