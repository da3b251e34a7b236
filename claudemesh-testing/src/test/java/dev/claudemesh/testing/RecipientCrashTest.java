package dev.claudemesh.testing;

import static dev.claudemesh.testing.Inboxes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.broker.FaultInjection;
import dev.claudemesh.core.Peer;
import dev.claudemesh.core.SendRequest;
import dev.claudemesh.core.identity.MeshConfig;
import dev.claudemesh.core.store.Inbox;
import dev.claudemesh.core.store.InboxMessage;
import dev.claudemesh.core.store.OutboxStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recipient dies with SIGKILL after pushes arrived but before the broker saw their {@code
 * client_ack}: on reconnect the broker redelivers, and the recipient stores each message once and
 * publishes one event for it across both lives.
 */
class RecipientCrashTest {
  private static final int MESSAGES = 60;
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path root;

  @Test
  void killedRecipientGetsRedeliveryOnReconnectAndStoresEachMessageOnce() throws Exception {
    AtomicBoolean ackLost = new AtomicBoolean(true); // the first life's acks never reach the broker
    FaultInjection loseAcks = new FaultInjection() {
      @Override
      public boolean ignoreClientAck(String memberId, String deliveryId) {
        return ackLost.get();
      }
    };
    try (MeshHarness mesh = MeshHarness.builder(root).broker(b -> b.faultInjectionForTests(loseAcks)).start()) {
      Peer alice = mesh.peer("alice");
      mesh.join("bob");
      String bobMemberId = MeshConfig.read(mesh.paths("bob").meshJson()).memberId();
      String bobKey = (String) ((Map<?, ?>) dev.claudemesh.core.jcs.Jcs.parse(
          Files.readString(mesh.paths("bob").keypairJson()))).get("public_key");
      Path protocol = root.resolve("bob.protocol");

      Process first = startBob(mesh, protocol);
      try {
        awaitLine(protocol, "READY", first);
        for (int i = 0; i < MESSAGES; i++) {
          alice.send(SendRequest.builder(bobKey, "to bob " + i).idempotencyKey("m-" + i).build());
        }
        await("bob stored some", WAIT, () -> messageLines(protocol).size() >= MESSAGES / 2);
        first.destroyForcibly(); // SIGKILL, mid-stream
        assertTrue(first.waitFor(30, TimeUnit.SECONDS));
        assertEquals(128 + 9, first.exitValue(), "bob must die of SIGKILL");
      } finally {
        first.destroyForcibly();
      }
      await("alice's sends all accepted", WAIT, () -> done(alice) == MESSAGES);
      assertTrue(mesh.broker().openDeliveries(bobMemberId) > 0,
          "deliveries whose acks were lost are still open at the broker");

      ackLost.set(false);
      Process second = startBob(mesh, protocol);
      try {
        await("every delivery completed", WAIT, () -> open(mesh, bobMemberId) == 0);
        Thread.sleep(300);
      } finally {
        second.destroyForcibly();
        second.waitFor(30, TimeUnit.SECONDS);
      }

      // events are not durable: a row committed just before the kill may never have had its event,
      // and its redelivery is a duplicate that publishes nothing. What must hold: at most one event
      // per message across both lives, and every message stored exactly once.
      List<String> lines = messageLines(protocol);
      Map<String, Integer> events = new HashMap<>();
      lines.forEach(id -> events.merge(id, 1, Integer::sum));
      events.forEach((id, n) -> assertEquals(1, n, "message events for " + id + " across both lives"));

      try (Inbox inbox = Inbox.builder(mesh.paths("bob").dir()).open()) {
        List<InboxMessage> rows = Inboxes.all(inbox::query);
        assertEquals(MESSAGES, rows.size(), "each message stored once");
        assertEquals(MESSAGES, rows.stream().map(InboxMessage::clientMessageId).distinct().count());
      }
    }
  }

  private static Process startBob(MeshHarness mesh, Path protocol) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        RecipientChild.class.getName(), mesh.paths("bob").dir().toString(), mesh.env("bob").get("CLAUDEMESH_HOME"),
        protocol.toString())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(protocol.resolveSibling("bob.stderr").toFile())
        .start();
  }

  private static void awaitLine(Path protocol, String line, Process child) throws Exception {
    await(line + " from bob", WAIT, () -> {
      if (!child.isAlive()) {
        throw new AssertionError("bob exited with " + child.exitValue() + ": " + stderr(protocol));
      }
      return lines(protocol).contains(line);
    });
  }

  private static String stderr(Path protocol) {
    try {
      return Files.readString(protocol.resolveSibling("bob.stderr"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static List<String> lines(Path protocol) {
    try {
      return Files.exists(protocol) ? Files.readAllLines(protocol, StandardCharsets.UTF_8) : List.of();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> messageLines(Path protocol) {
    List<String> ids = new ArrayList<>();
    for (String line : lines(protocol)) {
      if (line.startsWith("MSG ")) {
        ids.add(line.substring(4));
      }
    }
    return ids;
  }

  private static long done(Peer peer) {
    try {
      return peer.outbox().depth().getOrDefault(OutboxStatus.DONE, 0L);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static long open(MeshHarness mesh, String memberId) {
    try {
      return mesh.broker().openDeliveries(memberId);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
