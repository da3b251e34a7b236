package dev.claudemesh.daemon.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.api.ApiJson;
import dev.claudemesh.api.ErrorCodes;
import dev.claudemesh.api.HeartbeatRequest;
import dev.claudemesh.api.Routes;
import dev.claudemesh.core.identity.DaemonPaths;
import dev.claudemesh.core.internal.SecureFiles;
import dev.claudemesh.core.protocol.FeatureNegotiation;
import dev.claudemesh.core.store.Outbox;
import dev.claudemesh.daemon.ipc.UdsHttp.Reply;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import dev.claudemesh.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /v1/compat} and {@code POST /v1/heartbeat} over the real server. */
class CompatAndHeartbeatRoutesTest {
  @TempDir Path tmp;

  private final MutableClock clock = new MutableClock(1_700_000_000_000L);
  private final Heartbeats heartbeats = Heartbeats.inMemory(clock);
  private IpcServer server;

  @BeforeEach
  void setUp() throws IOException {
    DaemonPaths paths = DaemonPaths.inDirectory(tmp.resolve("daemon"));
    SecureFiles.createPrivateDirectories(paths.dir());
    server = IpcServer.builder(paths)
        .compat(() -> PeerPorts.compat("9.9.9-test", FeatureNegotiation.DEFAULT_REQUIRE))
        .heartbeats(heartbeats).build();
    server.start();
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(Reply reply) {
    return ApiJson.fromJson(reply.body(), Map.class);
  }

  private Reply beat(String body) throws IOException {
    return UdsHttp.request(server.socket(), "POST", Routes.HEARTBEAT, body,
        "Content-Type: application/json");
  }

  @Test
  void compatListsWhatThisDaemonSpeaks() throws IOException {
    Reply reply = UdsHttp.get(server.socket(), Routes.COMPAT);
    assertEquals(200, reply.status(), reply.body());
    Map<String, Object> body = json(reply);
    assertEquals("9.9.9-test", body.get("daemon_version"));
    assertEquals(List.of("v1"), body.get("ipc_apis"));
    assertEquals((long) Outbox.SCHEMA_VERSION,
        ((Number) ((List<?>) body.get("schema_versions")).get(
            ((List<?>) body.get("schema_versions")).size() - 1)).longValue());
    assertEquals(List.of("client_message_id_dedupe", "concurrent_connection_policy",
        "member_keypair_rotated_event", "key_epoch", "max_payload"), body.get("broker_features"));
    assertEquals(List.of("client_message_id_dedupe", "concurrent_connection_policy"),
        body.get("broker_features_required"));
  }

  @Test
  void anUnknownRequiredFeatureIsRefusedByName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PeerPorts.requireKnown(List.of("client_message_id_dedupe", "teleport")));
    assertTrue(e.getMessage().startsWith("required feature teleport is not one this daemon"
        + " negotiates; known: [client_message_id_dedupe,"), e.getMessage());
  }

  @Test
  void aHeartbeatIsAnsweredAndRecorded() throws IOException {
    Reply reply = beat("{\"caller\":\"claude-code\",\"pid\":4242}");
    assertEquals(200, reply.status(), reply.body());
    assertEquals(Boolean.TRUE, json(reply).get("ok"));
    assertEquals(clock.millis(), ((Number) json(reply).get("ts")).longValue());
    List<Heartbeats.Caller> live = heartbeats.live();
    assertEquals(1, live.size());
    assertEquals("claude-code", live.get(0).name());
    assertEquals(4242L, live.get(0).pid());
  }

  @Test
  void anEmptyHeartbeatIsAnsweredButNotRecorded() throws IOException {
    assertEquals(200, beat("{}").status());
    assertEquals(200, UdsHttp.request(server.socket(), "POST", Routes.HEARTBEAT, null).status());
    assertEquals(List.of(), heartbeats.live());
  }

  @Test
  void badHeartbeatsAre400() throws IOException {
    for (String body : List.of("{\"pid\":0}", "{\"pid\":-1}", "{\"caller\":\"\"}",
        "{\"caller\":\"a\\nb\"}", "{\"colour\":1}", "[]")) {
      Reply reply = beat(body);
      assertEquals(400, reply.status(), body + " → " + reply.body());
      assertEquals(ErrorCodes.INVALID_REQUEST, json(reply).get("error"));
    }
    assertEquals(List.of(), heartbeats.live());
  }

  @Test
  void callersExpireAndTheRegistryStaysBounded() {
    Heartbeats small = new Heartbeats(clock, 3, Duration.ofMinutes(1));
    for (int i = 0; i < 5; i++) {
      small.beat(new HeartbeatRequest("c" + i, null));
    }
    assertEquals(List.of("c2", "c3", "c4"), small.live().stream().map(Heartbeats.Caller::name)
        .toList());
    clock.advance(Duration.ofMillis(30_000));
    small.beat(new HeartbeatRequest("c3", null));
    clock.advance(Duration.ofMillis(45_000));
    assertEquals(List.of("c3"), small.live().stream().map(Heartbeats.Caller::name).toList());
  }
}
