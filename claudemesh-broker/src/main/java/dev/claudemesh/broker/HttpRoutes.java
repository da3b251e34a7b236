package dev.claudemesh.broker;

import com.github.f4b6a3.ulid.UlidCreator;
import dev.claudemesh.broker.store.BrokerStore;
import dev.claudemesh.broker.store.JoinOutcome;
import dev.claudemesh.core.crypto.Ed25519PublicKey;
import dev.claudemesh.core.crypto.SignedStrings;
import dev.claudemesh.core.jcs.Jcs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's HTTP routes next to the WebSocket: {@code POST /v1/join}, {@code GET /healthz},
 * {@code GET /metrics}. Errors are JSON with a stable {@code error} code member.
 */
final class HttpRoutes extends Handler.Abstract {
  private static final Logger log = LoggerFactory.getLogger(HttpRoutes.class);
  static final int MAX_JOIN_BODY = 64 * 1024;

  private final Settings settings;
  private final BrokerStore store;
  private final BrokerMetrics metrics;
  private final Hub hub;
  private final Supplier<String> brokerUrl;

  HttpRoutes(Settings settings, BrokerStore store, BrokerMetrics metrics, Hub hub, Supplier<String> brokerUrl) {
    this.settings = settings;
    this.store = store;
    this.metrics = metrics;
    this.hub = hub;
    this.brokerUrl = brokerUrl;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    String path = Request.getPathInContext(request);
    String method = request.getMethod();
    try {
      switch (path) {
        case "/v1/join":
          if (!method.equals("POST")) {
            return json(response, callback, 405, error("method_not_allowed", "use POST"));
          }
          return join(request, response, callback);
        case "/healthz":
          if (!method.equals("GET")) {
            return json(response, callback, 405, error("method_not_allowed", "use GET"));
          }
          Map<String, Object> health = new LinkedHashMap<>();
          health.put("status", "ok");
          health.put("broker_version", ReferenceBroker.VERSION);
          health.put("connections", hub.liveConnectionCount());
          return json(response, callback, 200, health);
        case "/metrics":
          if (!method.equals("GET")) {
            return json(response, callback, 405, error("method_not_allowed", "use GET"));
          }
          response.setStatus(200);
          response.getHeaders().put(HttpHeader.CONTENT_TYPE, BrokerMetrics.contentType());
          Content.Sink.write(response, true, metrics.scrape(), callback);
          return true;
        default:
          return json(response, callback, 404, error("not_found", "no route " + path));
      }
    } catch (RuntimeException e) {
      log.error("{} {} failed", method, path, e);
      return json(response, callback, 500, error("internal_error", "the broker failed; see its log"));
    }
  }

  private boolean join(Request request, Response response, Callback callback) {
    long declared = request.getLength();
    if (declared > MAX_JOIN_BODY) {
      return json(response, callback, 413, error("body_too_large", "join bodies are at most 64 KiB"));
    }
    byte[] body;
    try (InputStream in = Content.Source.asInputStream(request)) {
      body = in.readNBytes(MAX_JOIN_BODY + 1);
    } catch (IOException e) {
      return json(response, callback, 400, error("invalid_request", "the body could not be read"));
    }
    if (body.length > MAX_JOIN_BODY) {
      return json(response, callback, 413, error("body_too_large", "join bodies are at most 64 KiB"));
    }
    Map<?, ?> json;
    try {
      String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(body)).toString();
      Object parsed = Jcs.parse(text);
      if (!(parsed instanceof Map)) {
        return json(response, callback, 400, error("invalid_request", "the body must be a JSON object"));
      }
      json = (Map<?, ?>) parsed;
    } catch (CharacterCodingException | RuntimeException e) {
      return json(response, callback, 400, error("invalid_request", "the body is not valid JSON"));
    }
    String invite = text(json, "invite", 512, false);
    String pubkey = text(json, "pubkey", 64, false);
    String displayName = text(json, "display_name", 256, true);
    String signature = text(json, "signature", 128, false);
    Object ts = json.get("timestamp");
    if (invite == null || pubkey == null || displayName == null || signature == null) {
      return json(response, callback, 400, error("invalid_request",
          "invite, pubkey, display_name and signature are required strings within their limits"));
    }
    if (!isLowerHex(pubkey, 64) || !isLowerHex(signature, 128)) {
      return json(response, callback, 400, error("invalid_request",
          "pubkey must be 64 and signature 128 lowercase hex characters"));
    }
    if (!(ts instanceof Number) || ((Number) ts).doubleValue() != Math.rint(((Number) ts).doubleValue())
        || ((Number) ts).doubleValue() < 0 || ((Number) ts).doubleValue() > 9.0e15) {
      return json(response, callback, 400, error("invalid_request", "timestamp must be integer milliseconds"));
    }
    long timestamp = ((Number) ts).longValue();
    long now = settings.clock().millis();
    if (Math.abs(now - timestamp) > 60_000) {
      return json(response, callback, 401, error("clock_skew",
          "timestamp is " + (timestamp - now) + " ms from the broker's clock; at most 60000 allowed"));
    }
    boolean valid;
    try {
      valid = Ed25519PublicKey.fromHex(pubkey).verifyHex(SignedStrings.join(invite, pubkey, timestamp), signature);
    } catch (RuntimeException e) {
      valid = false;
    }
    if (!valid) {
      return json(response, callback, 401, error("signature_invalid", "the join signature does not verify"));
    }
    JoinOutcome outcome;
    try {
      outcome = store.join(invite, pubkey, displayName, "mem_" + UlidCreator.getMonotonicUlid(), now);
    } catch (IOException e) {
      log.warn("join failed in the store: {}", e.getMessage());
      return json(response, callback, 503, error("store_unavailable", "the broker store failed; retry later"));
    }
    if (outcome instanceof JoinOutcome.Refused) {
      String code = ((JoinOutcome.Refused) outcome).code();
      log.info("join refused: {}", code);
      return json(response, callback, 403, error(code, refusal(code)));
    }
    JoinOutcome.Joined joined = (JoinOutcome.Joined) outcome;
    log.info("member {} {} mesh {}", joined.member().id(), joined.existing() ? "re-joined" : "joined",
        joined.mesh().slug());
    Map<String, Object> ok = new LinkedHashMap<>();
    ok.put("mesh_id", joined.mesh().id());
    ok.put("member_id", joined.member().id());
    ok.put("slug", joined.mesh().slug());
    ok.put("broker_url", brokerUrl.get());
    return json(response, callback, 200, ok);
  }

  private static String refusal(String code) {
    switch (code) {
      case "invite_unknown":
        return "no such invite";
      case "invite_expired":
        return "the invite has expired";
      case "invite_used_up":
        return "the invite has no uses left";
      case "member_revoked":
        return "this key was revoked from the mesh";
      default:
        return code;
    }
  }

  private static @Nullable String text(Map<?, ?> json, String name, int max, boolean freeText) {
    Object value = json.get(name);
    if (!(value instanceof String)) {
      return null;
    }
    String s = (String) value;
    if (s.isEmpty() || s.length() > max) {
      return null;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || (!freeText && c > 0x7e)) {
        return null;
      }
    }
    return s;
  }

  private static boolean isLowerHex(String s, int length) {
    if (s.length() != length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static Map<String, Object> error(String code, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", code);
    body.put("message", message);
    return body;
  }

  private static boolean json(Response response, Callback callback, int status, Map<String, Object> body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    Content.Sink.write(response, true, Jcs.canonicalizeValue(body), callback);
    return true;
  }
}
