package dev.claudemesh.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.claudemesh.api.ApiJson;
import dev.claudemesh.api.Health;
import dev.claudemesh.api.Problem;
import dev.claudemesh.api.SendResponse;
import dev.claudemesh.core.identity.DaemonPaths;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/send} over {@code daemon.sock} against a real daemon (SPEC §3.3, §4.4): the
 * idempotency table, the refusals, and that a refused request never leaves an outbox row.
 */
class SendIT {
  @TempDir Path tmp;

  @AfterEach
  void noChildLeft() throws InterruptedException {
    JarDaemon.killAll();
  }

  @Test
  void idempotencyTableAndRefusalsLeaveOnlyTheAcceptedRows() throws Exception {
    try (TestMesh mesh = TestMesh.start(tmp)) {
      DaemonPaths alice = mesh.joinWithJar("alice");
      mesh.joinInProcess("bob");
      String bob = mesh.pubkey("bob"); // a member whose daemon never runs
      JarDaemon daemon = JarDaemon.start(mesh.env(), alice, "alice");
      Path socket = daemon.socket();
      awaitConnected(socket, true);

      // §4.4 with the broker up: accepted, then the same again is queued/inflight or a duplicate
      String sent = send(bob, "hello bob");
      SocketHttp.Reply first = SocketHttp.postJson(socket, "/v1/send", sent, key("k1"));
      assertEquals(202, first.status(), first::toString);
      assertEquals("queued", response(first).status());
      SocketHttp.Reply again = SocketHttp.postJson(socket, "/v1/send", sent, key("k1"));
      SendResponse againBody = response(again);
      if (again.status() == 202) {
        assertTrue(Set.of("queued", "inflight").contains(againBody.status()), again::toString);
      } else {
        assertEquals(200, again.status(), again::toString);
        assertEquals(Boolean.TRUE, againBody.duplicate(), again::toString);
      }
      assertEquals("k1", againBody.clientMessageId());

      // refusals: none of them may reach the outbox
      List<String> refusedKeys = new ArrayList<>();
      refused(socket, "{\"to\": \"" + bob + "\", \"message\": ", 400, "r-malformed", refusedKeys);
      refused(socket, "{\"to\": 5, \"message\": \"x\"}", 400, "r-types", refusedKeys);
      refused(socket, "{\"to\": \"" + bob + "\", \"message\": [\"x\"]}", 400, "r-types2",
          refusedKeys);
      refused(socket, "{\"to\": \"" + bob + "\", \"message\": \"x\", \"priority\": \"urgent\"}",
          400, "r-priority", refusedKeys);
      refused(socket, send(bob, "x".repeat(1024 * 1024 + 1)), 413, "r-oversize", refusedKeys);
      refused(socket, send("carol", "to nobody"), 422, "r-unknown-name", refusedKeys);
      SocketHttp.Reply plain = SocketHttp.request(socket, "POST", "/v1/send",
          send(bob, "x").getBytes(java.nio.charset.StandardCharsets.UTF_8),
          "Content-Type: text/plain", key("r-media"));
      assertProblem(plain, 415);
      refusedKeys.add("r-media");

      // with the broker gone the row stays pending, so a changed body is a pending mismatch
      mesh.stopBroker();
      awaitConnected(socket, false);
      String body = send(bob, "held while the broker is down");
      SocketHttp.Reply pending = SocketHttp.postJson(socket, "/v1/send", body, key("k2"));
      assertEquals(202, pending.status(), pending::toString);
      SocketHttp.Reply pendingAgain = SocketHttp.postJson(socket, "/v1/send", body, key("k2"));
      assertEquals(202, pendingAgain.status(), pendingAgain::toString);
      assertEquals("queued", response(pendingAgain).status());
      SocketHttp.Reply mismatch = SocketHttp.postJson(socket, "/v1/send",
          send(bob, "another body"), key("k2"));
      Problem conflict = assertProblem(mismatch, 409);
      assertEquals("idempotency_key_reused", conflict.error());
      assertEquals("outbox_pending_fingerprint_mismatch", conflict.conflict(), mismatch::toString);
      assertNotNull(conflict.daemonFingerprintPrefix(), mismatch::toString);

      assertEquals(143, daemon.stop(), daemon::output);
      assertEquals(new TreeSet<>(List.of("k1", "k2")),
          new TreeSet<>(TestMesh.outboxIds(alice)),
          "outbox rows after refusing " + refusedKeys);
    }
  }

  private static void refused(Path socket, String json, int status, String key,
      List<String> refusedKeys) throws Exception {
    refusedKeys.add(key);
    assertProblem(SocketHttp.postJson(socket, "/v1/send", json, key(key)), status);
  }

  private static Problem assertProblem(SocketHttp.Reply reply, int status) {
    assertEquals(status, reply.status(), reply::toString);
    assertTrue(String.valueOf(reply.header("Content-Type")).startsWith("application/problem+json"),
        reply::toString);
    Problem problem = reply.problem();
    assertNotNull(problem.error(), reply::toString);
    assertEquals(status, problem.status(), reply::toString);
    return problem;
  }

  private static SendResponse response(SocketHttp.Reply reply) {
    assertTrue(String.valueOf(reply.header("Content-Type")).startsWith("application/json"),
        reply::toString);
    return ApiJson.fromJson(reply.body(), SendResponse.class);
  }

  private static String send(String to, String message) {
    return "{\"to\": \"" + to + "\", \"message\": \"" + message + "\"}";
  }

  private static String key(String key) {
    return "Idempotency-Key: " + key;
  }

  static void awaitConnected(Path socket, boolean connected) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    Health last = null;
    while (System.nanoTime() < deadline) {
      SocketHttp.Reply reply = SocketHttp.get(socket, "/v1/health");
      if (reply.status() == 200) {
        last = ApiJson.fromJson(reply.body(), Health.class);
        if (last.connected() == connected) {
          return;
        }
      }
      Thread.sleep(50);
    }
    fail("the daemon did not become " + (connected ? "connected" : "disconnected")
        + " within 30 s; last health " + last);
  }
}
