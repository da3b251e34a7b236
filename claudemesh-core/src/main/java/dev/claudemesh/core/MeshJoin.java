package dev.claudemesh.core;

import dev.claudemesh.core.crypto.Ed25519SigningKey;
import dev.claudemesh.core.crypto.SignedStrings;
import dev.claudemesh.core.identity.MeshConfig;
import dev.claudemesh.core.jcs.Jcs;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;

/** {@code POST /v1/join} (SPEC §8.6): registers a member key with the broker through an invite. */
final class MeshJoin {
  private static final MediaType JSON = MediaType.get("application/json");
  private static final int MAX_RESPONSE = 64 * 1024;

  private MeshJoin() {}

  /** The broker's HTTP base ({@code http://host:port}) for a WebSocket or HTTP broker URL. */
  static String httpBase(String brokerUrl) throws PeerException {
    URI uri;
    try {
      uri = new URI(brokerUrl);
    } catch (URISyntaxException e) {
      throw PeerException.invalid("broker URL " + brokerUrl + " is not a URL: " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    String http;
    switch (scheme) {
      case "ws":
      case "http":
        http = "http";
        break;
      case "wss":
      case "https":
        http = "https";
        break;
      default:
        throw PeerException.invalid("broker URL " + brokerUrl + " must start with ws://, wss://, http:// or https://");
    }
    if (uri.getHost() == null) {
      throw PeerException.invalid("broker URL " + brokerUrl + " has no host");
    }
    return http + "://" + uri.getRawAuthority();
  }

  static MeshConfig join(String brokerUrl, String invite, Ed25519SigningKey key, String displayName, Clock clock)
      throws IOException, PeerException {
    long timestamp = clock.millis();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("invite", invite);
    body.put("pubkey", key.publicKey().hex());
    body.put("display_name", displayName);
    body.put("timestamp", timestamp);
    body.put("signature", SignedStrings.signJoin(key, invite, timestamp));
    OkHttpClient client = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(30)).build();
    try {
      Request request = new Request.Builder()
          .url(httpBase(brokerUrl) + "/v1/join")
          .post(RequestBody.create(Jcs.canonicalizeValue(body), JSON))
          .build();
      try (Response response = client.newCall(request).execute()) {
        Map<?, ?> json = readJson(response.body());
        if (!response.isSuccessful()) {
          Object error = json == null ? null : json.get("error");
          String code = error instanceof String ? (String) error : "join_failed";
          throw new PeerException(code, response.code(),
              "the broker refused the join (HTTP " + response.code() + ", " + code + ")");
        }
        if (json == null) {
          throw new IOException("the broker's join answer is not a JSON object");
        }
        try {
          return new MeshConfig(str(json, "mesh_id"), str(json, "member_id"), str(json, "slug"),
              webSocketUrl(brokerUrl, str(json, "broker_url")), displayName);
        } catch (IllegalArgumentException e) {
          throw new IOException("the broker's join answer is malformed: " + e.getMessage(), e);
        }
      }
    } finally {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }

  /**
   * The WebSocket URL to record: the one the user gave when it is {@code ws://} or {@code wss://};
   * for an HTTP URL, the same scheme strength and authority with the path the broker answered
   * (default {@code /ws}). The broker's own answer is never trusted for scheme or host: behind a
   * proxy it may name a bind address or a cleartext scheme.
   */
  static String webSocketUrl(String given, String answered) throws PeerException {
    URI user = URI.create(given);
    String scheme = user.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (scheme.equals("ws") || scheme.equals("wss")) {
      return given;
    }
    String path = "/ws";
    try {
      String answeredPath = new URI(answered).getRawPath();
      if (answeredPath != null && !answeredPath.isEmpty()) {
        path = answeredPath;
      }
    } catch (URISyntaxException e) {
      // keep the default path
    }
    return (scheme.equals("https") ? "wss" : "ws") + "://" + user.getRawAuthority() + path;
  }

  private static @Nullable Map<?, ?> readJson(@Nullable ResponseBody body) throws IOException {
    if (body == null) {
      return null;
    }
    byte[] bytes = body.byteStream().readNBytes(MAX_RESPONSE);
    try {
      Object parsed = Jcs.parse(bytes);
      return parsed instanceof Map ? (Map<?, ?>) parsed : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String str(Map<?, ?> json, String name) {
    Object value = json.get(name);
    if (!(value instanceof String) || ((String) value).isEmpty()) {
      throw new IllegalArgumentException(name + " is missing");
    }
    return (String) value;
  }
}
