package dev.claudemesh.daemon.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.api.ApiJson;
import dev.claudemesh.api.InboxMessage;
import dev.claudemesh.api.InboxPage;
import dev.claudemesh.api.PageQuery;
import dev.claudemesh.api.Routes;
import dev.claudemesh.core.identity.DaemonPaths;
import dev.claudemesh.core.internal.SecureFiles;
import dev.claudemesh.daemon.ipc.UdsHttp.Reply;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
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

/** {@code GET /v1/inbox} over the real server, the peer replaced by a fake {@link InboxPort}. */
class InboxRouteTest {
  static final String PUBKEY = "ab".repeat(32);

  @TempDir Path tmp;

  private IpcServer server;
  private final List<PageQuery> queries = new ArrayList<>();
  private volatile InboxPage next = new InboxPage(List.of(), null);
  private volatile @Nullable Exception refusal;

  @BeforeEach
  void setUp() throws IOException {
    DaemonPaths paths = DaemonPaths.inDirectory(tmp.resolve("daemon"));
    SecureFiles.createPrivateDirectories(paths.dir());
    server = IpcServer.builder(paths).inbox(query -> {
      synchronized (queries) {
        queries.add(query);
      }
      Exception e = refusal;
      if (e instanceof InboxPort.BadCursorException) {
        throw (InboxPort.BadCursorException) e;
      }
      if (e instanceof IOException) {
        throw (IOException) e;
      }
      return next;
    }).build();
    server.start();
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  private Reply get(String query) throws IOException {
    return UdsHttp.get(server.socket(), Routes.INBOX + query);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(Reply reply) {
    return ApiJson.fromJson(reply.body(), Map.class);
  }

  private static InboxMessage message(String id, @Nullable String topic, long at) {
    return new InboxMessage(id, "c-" + id, "b-" + id, topic, PUBKEY, "alice", "hi " + id,
        Map.of("k", "v"), "next", null, at);
  }

  @Test
  void aPageComesBackNewestFirstWithItsNextCursor() throws IOException {
    next = new InboxPage(List.of(message("2", "general", 2000), message("1", null, 1000)), "cur-2");
    Reply reply = get("");
    assertEquals(200, reply.status(), reply.body());
    assertEquals(Routes.MEDIA_JSON, reply.header("Content-Type"));
    Map<String, Object> body = json(reply);
    assertEquals("cur-2", body.get("next_cursor"));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> messages = (List<Map<String, Object>>) body.get("messages");
    assertEquals(2, messages.size());
    assertEquals("2", messages.get(0).get("id"));
    assertEquals("general", messages.get(0).get("topic"));
    assertEquals(2000L, messages.get(0).get("received_at"));
    assertEquals(PUBKEY, messages.get(0).get("sender_pubkey"));
    assertEquals(Map.of("k", "v"), messages.get(0).get("meta"));
    assertEquals("1", messages.get(1).get("id"));
    assertTrue(!messages.get(1).containsKey("topic"));
    assertEquals(PageQuery.first(), queries.get(0));
  }

  @Test
  void theLastPageHasNoNextCursor() throws IOException {
    Reply reply = get("?limit=5");
    assertEquals(200, reply.status(), reply.body());
    assertTrue(!json(reply).containsKey("next_cursor"));
  }

  @Test
  void everyParameterReachesThePort() throws IOException {
    Reply reply = get("?since=1700000000000&topic=general&from=" + PUBKEY
        + "&limit=20&cursor=abc_-1");
    assertEquals(200, reply.status(), reply.body());
    assertEquals(new PageQuery(1_700_000_000_000L, "general", PUBKEY, null, 20, "abc_-1"),
        queries.get(0));
  }

  @Test
  void percentEncodedValuesAreDecoded() throws IOException {
    assertEquals(200, get("?topic=dev%20ops").status());
    assertEquals("dev ops", queries.get(0).topic());
  }

  /** Bad query values: a 400 naming the parameter, and the port is never asked. */
  static Stream<Arguments> badQueries() {
    return Stream.of(
        Arguments.of("?limit=0", "?limit"),
        Arguments.of("?limit=1001", "?limit"),
        Arguments.of("?limit=ten", "?limit"),
        Arguments.of("?limit=", "?limit"),
        Arguments.of("?since=-5", "?since"),
        Arguments.of("?since=yesterday", "?since"),
        Arguments.of("?from=alice", "?from"),
        Arguments.of("?from=" + "ab".repeat(31), "?from"),
        Arguments.of("?topic=", "?topic"),
        Arguments.of("?limit=1&limit=2", "?limit"),
        Arguments.of("?status=done", "?status"),
        Arguments.of("?colour=red", "?colour"),
        Arguments.of("?topic=%zz", "?topic"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badQueries")
  void badQueryValuesAre400NamingTheParameter(String query, String parameter)
      throws IOException {
    Reply reply = get(query);
    assertEquals(400, reply.status(), reply.body());
    assertEquals(Routes.MEDIA_PROBLEM_JSON, reply.header("Content-Type"));
    Map<String, Object> body = json(reply);
    assertEquals("invalid_request", body.get("error"));
    assertTrue(String.valueOf(body.get("detail")).startsWith(parameter + ":"),
        String.valueOf(body.get("detail")));
    assertTrue(queries.isEmpty());
  }

  @Test
  void aCursorThePeerDoesNotKnowIs400NamingCursor() throws IOException {
    refusal = new InboxPort.BadCursorException("cursor is malformed");
    Reply reply = get("?cursor=nonsense");
    assertEquals(400, reply.status());
    assertEquals("?cursor: cursor is malformed", json(reply).get("detail"));
  }

  @Test
  void anIoFailureIs500() throws IOException {
    refusal = new IOException("disk on fire");
    Reply reply = get("");
    assertEquals(500, reply.status());
    assertEquals("internal_error", json(reply).get("error"));
    assertTrue(!reply.body().contains("disk on fire"));
  }

  @Test
  void postIsNotAllowed() throws IOException {
    Reply reply = UdsHttp.request(server.socket(), "POST", Routes.INBOX, "{}",
        "Content-Type: application/json");
    assertEquals(405, reply.status());
    assertEquals("GET", reply.header("Allow"));
    assertNull(reply.header("Access-Control-Allow-Origin"));
  }

  @Test
  void storedMetaThatIsNotAnObjectIsLeftOut() {
    assertEquals(Map.of("a", 1L), PeerPorts.meta("{\"a\":1}"));
    assertNull(PeerPorts.meta("[1]"));
    assertNull(PeerPorts.meta("{"));
    assertNull(PeerPorts.meta(null));
  }
}
