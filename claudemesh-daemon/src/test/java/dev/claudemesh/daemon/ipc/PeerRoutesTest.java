package dev.claudemesh.daemon.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.api.ApiJson;
import dev.claudemesh.api.PeerList;
import dev.claudemesh.api.Profile;
import dev.claudemesh.api.Routes;
import dev.claudemesh.core.PeerException;
import dev.claudemesh.core.PeerExceptions;
import dev.claudemesh.core.identity.DaemonPaths;
import dev.claudemesh.core.internal.SecureFiles;
import dev.claudemesh.daemon.ipc.UdsHttp.Reply;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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

/** {@code GET /v1/peers} and {@code POST /v1/profile} over the real server, with fake ports. */
class PeerRoutesTest {
  static final String PUBKEY = "cd".repeat(32);

  @TempDir Path tmp;

  private IpcServer server;
  private final List<Profile> updates = new ArrayList<>();
  private volatile @Nullable PeerException refusal;

  @BeforeEach
  void setUp() throws IOException {
    DaemonPaths paths = DaemonPaths.inDirectory(tmp.resolve("daemon"));
    SecureFiles.createPrivateDirectories(paths.dir());
    server = IpcServer.builder(paths).peers(() -> {
      refuse();
      return new PeerList(List.of(new PeerList.Peer(PUBKEY, "alice", "working", "on tests", null,
          null, List.of("review"))));
    }).profile(profile -> {
      refuse();
      synchronized (updates) {
        updates.add(profile);
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

  @AfterEach
  void tearDown() {
    server.close();
  }

  private Reply postProfile(String body) throws IOException {
    return UdsHttp.request(server.socket(), "POST", Routes.PROFILE, body,
        "Content-Type: application/json");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(Reply reply) {
    return ApiJson.fromJson(reply.body(), Map.class);
  }

  @Test
  void peersListsTheLivePeers() throws IOException {
    Reply reply = UdsHttp.get(server.socket(), Routes.PEERS);
    assertEquals(200, reply.status(), reply.body());
    assertEquals(Map.of("peers", List.of(Map.of("pubkey", PUBKEY, "name", "alice",
        "status", "working", "summary", "on tests", "capabilities", List.of("review")))),
        json(reply));
  }

  @Test
  void aProfileChangesOnlyThePresentMembersAndAnswersThem() throws IOException {
    Reply reply = postProfile("{\"status\":\"idle\",\"visible\":false,\"capabilities\":[\"a\"]}");
    assertEquals(200, reply.status(), reply.body());
    assertEquals(Map.of("status", "idle", "visible", false, "capabilities", List.of("a")),
        json(reply));
    Profile sent = updates.get(0);
    assertEquals(new Profile(null, "idle", false, null, null, null, List.of("a")), sent);
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("status", "idle");
    expected.put("visible", false);
    expected.put("capabilities", List.of("a"));
    assertEquals(expected, PeerPorts.toCore(sent));
    assertEquals(List.of("summary", "status", "visible", "avatar", "title", "bio", "capabilities"),
        List.copyOf(PeerPorts.toCore(new Profile("s", "st", true, "av", "t", "b", List.of()))
            .keySet()));
  }

  static Stream<Arguments> refusedProfiles() {
    return Stream.of(
        Arguments.of("not an object", "[]"),
        Arguments.of("malformed", "{\"status\":"),
        Arguments.of("unknown member", "{\"mood\":\"fine\"}"),
        Arguments.of("wrong type", "{\"visible\":\"yes\"}"),
        Arguments.of("capabilities not a list", "{\"capabilities\":\"a\"}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedProfiles")
  void invalidProfilesAreRefusedBeforeThePeer(String name, String body) throws IOException {
    Reply reply = postProfile(body);
    assertEquals(400, reply.status(), name + ": " + reply.body());
    assertEquals("invalid_request", json(reply).get("error"));
    assertTrue(updates.isEmpty());
  }

  @Test
  void aProfileMustBeJson() throws IOException {
    Reply reply = UdsHttp.request(server.socket(), "POST", Routes.PROFILE, "{}");
    assertEquals(415, reply.status());
    assertTrue(updates.isEmpty());
  }

  @Test
  void aBrokerThatIsNotConnectedIs503() throws IOException {
    refusal = PeerExceptions.of(PeerException.BROKER_UNAVAILABLE, 503, "not connected");
    for (Reply reply : List.of(UdsHttp.get(server.socket(), Routes.PEERS),
        postProfile("{\"status\":\"idle\"}"))) {
      assertEquals(503, reply.status(), reply.body());
      assertEquals(Routes.MEDIA_PROBLEM_JSON, reply.header("Content-Type"));
      assertEquals("broker_unavailable", json(reply).get("error"));
      assertEquals("not connected", json(reply).get("detail"));
    }
  }

  @Test
  void aValueThePeerRefusesKeepsItsStatus() throws IOException {
    refusal = PeerExceptions.of(PeerException.INVALID_REQUEST, 400, "status: too long");
    Reply reply = postProfile("{\"status\":\"x\"}");
    assertEquals(400, reply.status());
    assertEquals("status: too long", json(reply).get("detail"));
  }

  @Test
  void theNewRoutesStayBehindTheGuard() throws IOException {
    assertEquals(403, UdsHttp.get(server.socket(), Routes.PEERS, "Host: evil.example").status());
    Reply origin = UdsHttp.get(server.socket(), Routes.INBOX, "Origin: https://evil.example");
    assertEquals(403, origin.status());
    assertEquals(400, UdsHttp.get(server.socket(), Routes.TOPIC_LIST + "?token=x").status());
    Reply unbuilt = UdsHttp.get(server.socket(), Routes.TOPIC_LIST);
    assertEquals(501, unbuilt.status());
    assertNull(unbuilt.header("Access-Control-Allow-Origin"));
  }
}
