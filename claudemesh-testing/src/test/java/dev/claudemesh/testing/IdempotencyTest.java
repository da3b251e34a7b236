package dev.claudemesh.testing;

import static dev.claudemesh.testing.Inboxes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.broker.FaultInjection;
import dev.claudemesh.core.Peer;
import dev.claudemesh.core.SendRequest;
import dev.claudemesh.core.events.EventKinds;
import dev.claudemesh.core.events.PeerEvent;
import dev.claudemesh.core.protocol.SendFrame;
import dev.claudemesh.core.store.AcceptResult;
import dev.claudemesh.core.store.OutboxRow;
import dev.claudemesh.core.store.OutboxStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two-layer id rule of SPEC §4.1 across the real broker. */
class IdempotencyTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path root;

  @Test
  void connectionLostAfterCommitBeforeAckRetriesIntoADuplicateAndDeliversOnce() throws Exception {
    AtomicInteger dropped = new AtomicInteger();
    FaultInjection dropFirstAck = new FaultInjection() {
      @Override
      public boolean dropConnectionBeforeAck(String senderMemberId, SendFrame send) {
        return "lost-ack".equals(send.clientMessageId()) && dropped.getAndIncrement() == 0;
      }
    };
    try (MeshHarness mesh = MeshHarness.builder(root).broker(b -> b.faultInjectionForTests(dropFirstAck)).start()) {
      Peer alice = mesh.peer("alice");
      Peer bob = mesh.peer("bob");
      List<PeerEvent> bobEvents = Inboxes.messages(bob);
      alice.send(SendRequest.builder(bob.memberPubkey(), "exactly one copy").idempotencyKey("lost-ack").build());

      await("alice's row done", WAIT, () -> status(alice, "lost-ack") == OutboxStatus.DONE);
      assertEquals(1, dropped.get(), "the first try was committed and its ack dropped");
      assertEquals(1, alice.drain().duplicateCount(), "the retry was answered 200 duplicate");
      OutboxRow row = alice.outbox().find("lost-ack").orElseThrow();
      assertTrue(row.attempts() >= 1, "the row was retried");
      await("bob's copy", WAIT, () -> Inboxes.count(bob) == 1);
      Thread.sleep(500);
      assertEquals(1, Inboxes.count(bob));
      assertEquals(1, bobEvents.size());
      assertEquals(row.brokerMessageId().orElseThrow(), Inboxes.all(bob).get(0).brokerMessageId().orElseThrow(),
          "the duplicate answer names the message bob received");
    }
  }

  @Test
  void sameIdWithAnotherRequestAtTheBrokerIsDeadAndDeliversNothing() throws Exception {
    try (MeshHarness mesh = MeshHarness.builder(root).start()) {
      Peer first = mesh.peer("alice");
      Peer bob = mesh.peer("bob");
      String bobKey = bob.memberPubkey();
      first.send(SendRequest.builder(bobKey, "the original").idempotencyKey("reused").build());
      await("delivered", WAIT, () -> Inboxes.count(bob) == 1);
      await("done", WAIT, () -> status(first, "reused") == OutboxStatus.DONE);

      // the operator loses alice's outbox: the daemon no longer knows the id is consumed
      mesh.closePeer("alice");
      for (String f : List.of("outbox.db", "outbox.db-wal", "outbox.db-shm")) {
        Files.deleteIfExists(mesh.paths("alice").dir().resolve(f));
      }
      Peer alice = mesh.peer("alice");
      List<PeerEvent> dead = new CopyOnWriteArrayList<>();
      alice.events(e -> {
        if (e.kind().equals(EventKinds.OUTBOX_DEAD)) {
          dead.add(e);
        }
      });
      AcceptResult local = alice.send(SendRequest.builder(bobKey, "something else").idempotencyKey("reused").build());
      assertEquals(202, local.httpStatus(), "locally the id is new again");
      await("dead", WAIT, () -> status(alice, "reused") == OutboxStatus.DEAD);
      OutboxRow row = alice.outbox().find("reused").orElseThrow();
      assertTrue(row.lastError().orElseThrow().contains("409 idempotency_key_reused"), row.lastError().orElseThrow());
      await("outbox_dead event", WAIT, () -> dead.size() == 1);
      assertEquals("idempotency_key_reused", dead.get(0).data().get("reason"));
      assertEquals(16, ((String) dead.get(0).data().get("broker_fingerprint_prefix")).length());
      Thread.sleep(500);
      assertEquals(1, Inboxes.count(bob), "nothing new was delivered");
      assertEquals("the original", Inboxes.all(bob).get(0).body().orElseThrow());
    }
  }

  static OutboxStatus status(Peer peer, String id) {
    try {
      return peer.outbox().find(id).map(OutboxRow::status).orElse(OutboxStatus.ABORTED);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
