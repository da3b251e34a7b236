package dev.claudemesh.testing;

import static dev.claudemesh.testing.Inboxes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.claudemesh.core.Peer;
import dev.claudemesh.core.SendRequest;
import dev.claudemesh.core.store.InboxMessage;
import dev.claudemesh.core.store.OutboxStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sends keep flowing, exactly once per id, while the broker goes down and comes back. */
class BrokerRestartTest {
  private static final int MESSAGES = 1000;

  @TempDir Path root;

  @Test
  void thousandDmsSurviveTwoBrokerRestartsMidStreamEachDeliveredOnce() throws Exception {
    try (MeshHarness mesh = MeshHarness.builder(root).start()) {
      Peer alice = mesh.peer("alice");
      Peer bob = mesh.peer("bob");
      for (int i = 0; i < MESSAGES; i++) {
        alice.send(SendRequest.builder(bob.memberPubkey(), "message " + i).idempotencyKey("k-" + i).build());
        if (i == 300 || i == 700) {
          mesh.restartBroker(); // mid-stream: rows are pending, inflight and done at this point
        }
      }
      await("all " + MESSAGES + " at bob", Duration.ofSeconds(120), () -> Inboxes.count(bob) >= MESSAGES);
      await("alice's outbox drained", Duration.ofSeconds(60),
          () -> doneCount(alice) == MESSAGES);
      Thread.sleep(500); // let any late redelivery arrive: it must not add rows
      List<InboxMessage> inbox = Inboxes.all(bob);
      assertEquals(MESSAGES, inbox.size());
      Map<String, Integer> seen = new HashMap<>();
      for (InboxMessage m : inbox) {
        seen.merge(m.clientMessageId(), 1, Integer::sum);
        assertEquals("message " + m.clientMessageId().substring(2), m.body().orElseThrow());
      }
      assertEquals(MESSAGES, seen.size());
      seen.forEach((id, n) -> assertEquals(1, n, id));
    }
  }

  private static long doneCount(Peer peer) {
    try {
      return peer.outbox().depth().getOrDefault(OutboxStatus.DONE, 0L);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
