package dev.claudemesh.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.claudemesh.broker.store.Mesh;
import dev.claudemesh.core.CapturedLogs;
import dev.claudemesh.core.crypto.Ed25519SigningKey;
import dev.claudemesh.core.crypto.SignedStrings;
import dev.claudemesh.core.jcs.Jcs;
import dev.claudemesh.core.protocol.Hello;
import dev.claudemesh.core.protocol.HelloAck;
import dev.claudemesh.core.protocol.SendFrame;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A real broker on a free port over a SQLite file in a temp dir, with a hand-moved clock. */
abstract class BrokerTestBase {
  static final SecureRandom RANDOM = new SecureRandom();

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(System.currentTimeMillis());
  ReferenceBroker broker;
  Mesh mesh;
  final OkHttpClient http = new OkHttpClient.Builder().readTimeout(10, TimeUnit.SECONDS).build();
  private final List<TestClient> clients = new ArrayList<>();

  record TestMember(Ed25519SigningKey key, String memberId, String meshId, String name) {
    String pubkey() {
      return key.publicKey().hex();
    }
  }

  record HttpResult(int status, Map<?, ?> json) {
    String error() {
      return (String) json.get("error");
    }
  }

  /** Settings every test of a class shares; override to change them. */
  ReferenceBroker.Builder configure(ReferenceBroker.Builder builder) {
    return builder;
  }

  @BeforeEach
  void startBroker() throws IOException {
    broker = configure(ReferenceBroker.builder()
            .dbPath(dir.resolve("broker.db"))
            .clock(clock)
            .keepaliveInterval(Duration.ofHours(1))
            .silenceTimeout(Duration.ofHours(2)))
        .build()
        .start();
    mesh = broker.createMesh("test-mesh");
  }

  @AfterEach
  void stopBroker() {
    for (TestClient c : clients) {
      c.close();
    }
    broker.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  static Ed25519SigningKey newKey() {
    Ed25519SigningKey key = Ed25519SigningKey.generate();
    CapturedLogs.rememberSecret(key.insecureSecretHex());
    return key;
  }

  TestMember join(String name) throws IOException {
    return join(name, broker.createInvite(mesh.slug(), 1, false));
  }

  TestMember join(String name, String invite) throws IOException {
    Ed25519SigningKey key = newKey();
    HttpResult result = postJoin(key, invite, name, clock.millis());
    assertEquals(200, result.status(), "join: " + result.json());
    return new TestMember(key, (String) result.json().get("member_id"), (String) result.json().get("mesh_id"), name);
  }

  HttpResult postJoin(Ed25519SigningKey key, String invite, String name, long timestamp) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("invite", invite);
    body.put("pubkey", key.publicKey().hex());
    body.put("display_name", name);
    body.put("timestamp", timestamp);
    body.put("signature", SignedStrings.signJoin(key, invite, timestamp));
    return post("/v1/join", Jcs.canonicalizeValue(body));
  }

  HttpResult post(String path, String body) throws IOException {
    Request request = new Request.Builder().url(broker.httpUrl() + path)
        .post(RequestBody.create(body, MediaType.get("application/json"))).build();
    try (Response response = http.newCall(request).execute()) {
      String text = response.body().string();
      Object parsed = text.isEmpty() ? Map.of() : Jcs.parse(text);
      return new HttpResult(response.code(), parsed instanceof Map ? (Map<?, ?>) parsed : Map.of());
    }
  }

  String get(String path) throws IOException {
    try (Response response = http.newCall(new Request.Builder().url(broker.httpUrl() + path).build()).execute()) {
      assertEquals(200, response.code(), path);
      return response.body().string();
    }
  }

  TestClient open() {
    TestClient c = new TestClient(http, broker.wsUrl());
    clients.add(c);
    return c;
  }

  Hello hello(TestMember m, long timestamp) {
    return new Hello(m.meshId(), m.memberId(), m.pubkey(), null, m.name(), "session-" + m.name(), 1234, "/srv/project",
        "host", "ai", null, 1, List.of(), timestamp, SignedStrings.signHello(m.key(), m.meshId(), m.memberId(),
        timestamp));
  }

  /** Connects and completes the hello. */
  TestClient connect(TestMember m) {
    TestClient c = open();
    c.send(hello(m, clock.millis()));
    c.expect(HelloAck.class);
    return c;
  }

  static String randomBase64(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }

  static String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** A DM envelope with a random body (remembered as a secret: bodies are never logged). */
  static SendFrame dm(String id, TestMember to, @Nullable String cmid, @Nullable String fingerprint) {
    String body = CapturedLogs.rememberSecret(randomBase64(48));
    return new SendFrame(id, to.pubkey(), "next", randomBase64(24), body, null, List.of(), null, cmid,
        fingerprint, cmid == null ? null : "1", cmid == null ? null : "dm", cmid == null ? null : to.pubkey());
  }

  /** A topic post with a random body. */
  static SendFrame post(String id, String topic, @Nullable String cmid, @Nullable String fingerprint) {
    String body = CapturedLogs.rememberSecret(randomBase64(30));
    return new SendFrame(id, "#" + topic, "next", null, body, null, List.of(), null, cmid, fingerprint,
        cmid == null ? null : "1", cmid == null ? null : "topic", cmid == null ? null : topic);
  }
}
