package dev.claudemesh.testing;

import static dev.claudemesh.testing.Inboxes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.core.Peer;
import dev.claudemesh.core.PeerException;
import dev.claudemesh.core.SendRequest;
import dev.claudemesh.core.events.PeerEvent;
import dev.claudemesh.core.protocol.PeerInfo;
import dev.claudemesh.core.store.AcceptResult;
import dev.claudemesh.core.store.InboxMessage;
import dev.claudemesh.core.store.OutboxStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two peers talking through the in-process reference broker. */
class RoundTripTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path root;

  @Test
  void dmRoundTripsBothWaysAndTheBrokerNeverStoresItsPlaintext() throws Exception {
    String secret = "the launch code is 7f3a-" + System.nanoTime();
    String reply = "acknowledged, rotating keys at dawn " + System.nanoTime();
    try (MeshHarness mesh = MeshHarness.builder(root).start()) {
      Peer alice = mesh.peer("alice");
      Peer bob = mesh.peer("bob");
      List<PeerEvent> bobEvents = Inboxes.messages(bob);
      List<PeerEvent> aliceEvents = Inboxes.messages(alice);

      AcceptResult sent = alice.send(SendRequest.builder(bob.memberPubkey(), secret)
          .idempotencyKey("dm-1").meta(Map.of("ticket", 42)).build());
      assertEquals(202, sent.httpStatus());
      await("bob's message event", WAIT, () -> bobEvents.size() == 1);
      PeerEvent event = bobEvents.get(0);
      assertEquals(secret, event.data().get("body"));
      assertEquals("dm-1", event.data().get("client_message_id"));
      assertEquals(alice.memberPubkey(), event.data().get("from"));
      assertEquals("alice", event.data().get("sender_name"));
      await("alice's row done", WAIT, () -> status(alice, "dm-1") == OutboxStatus.DONE);

      List<InboxMessage> bobInbox = Inboxes.all(bob);
      assertEquals(1, bobInbox.size());
      assertEquals(secret, bobInbox.get(0).body().orElseThrow());
      assertEquals("{\"ticket\":42}", bobInbox.get(0).meta().orElseThrow());

      bob.send(SendRequest.builder(alice.memberPubkey(), reply).replyToId(bobInbox.get(0).brokerMessageId().orElseThrow())
          .build());
      await("alice's message event", WAIT, () -> aliceEvents.size() == 1);
      assertEquals(reply, aliceEvents.get(0).data().get("body"));

      // the same key again: one delivery, a duplicate answer
      AcceptResult again = alice.send(SendRequest.builder(bob.memberPubkey(), secret)
          .idempotencyKey("dm-1").meta(Map.of("ticket", 42)).build());
      assertEquals(200, again.httpStatus());
      Thread.sleep(300);
      assertEquals(1, Inboxes.count(bob));

      mesh.stopBroker(); // flush and release the database before scanning it
      for (String plaintext : List.of(secret, reply)) {
        assertFalse(brokerFilesContain(root.resolve("broker"), plaintext),
            "the broker's files hold a DM's plaintext");
      }
      assertTrue(brokerFilesContain(root.resolve("broker"), "dm-1"), "scan sanity check: ids are stored");
    }
  }

  @Test
  void topicPostsReachSubscribersOnlyAndBroadcastReachesEveryone() throws Exception {
    try (MeshHarness mesh = MeshHarness.builder(root).start()) {
      Peer alice = mesh.peer("alice");
      Peer bob = mesh.peer("bob");
      Peer carol = mesh.peer("carol");
      bob.subscribe("ops");
      assertTrue(bob.topics().stream().anyMatch(t -> t.name().equals("ops") && t.subscribed()));
      assertTrue(carol.topics().stream().anyMatch(t -> t.name().equals("ops") && !t.subscribed()));

      alice.send(SendRequest.of("#ops", "deploy finished ✓"));
      await("bob's topic post", WAIT, () -> Inboxes.count(bob) == 1);
      InboxMessage post = Inboxes.all(bob).get(0);
      assertEquals("ops", post.topic().orElseThrow());
      assertEquals("deploy finished ✓", post.body().orElseThrow());

      alice.send(SendRequest.of("*", "all hands"));
      await("broadcast at bob", WAIT, () -> Inboxes.count(bob) == 2);
      await("broadcast at carol", WAIT, () -> Inboxes.count(carol) == 1);
      assertEquals("all hands", Inboxes.all(carol).get(0).body().orElseThrow());
      assertEquals(0, Inboxes.count(alice), "the sender does not receive its own posts");

      bob.unsubscribe("ops");
      alice.send(SendRequest.of("#ops", "after leaving"));
      await("sent", WAIT, () -> idle(alice));
      Thread.sleep(300);
      assertEquals(2, Inboxes.count(bob));
    }
  }

  @Test
  void peersAreListedAndDisplayNamesResolve() throws Exception {
    try (MeshHarness mesh = MeshHarness.builder(root).start()) {
      Peer alice = mesh.peer("alice");
      Peer bob = mesh.peer("bob");
      await("bob listed", WAIT, () -> {
        try {
          return alice.peers().stream().map(PeerInfo::displayName).anyMatch("bob"::equals);
        } catch (PeerException | IOException e) {
          return false;
        }
      });
      alice.send(SendRequest.of("bob", "by name"));
      await("delivered", WAIT, () -> Inboxes.count(bob) == 1);
      PeerException unknown = assertThrows(PeerException.class, () -> alice.send(SendRequest.of("nobody", "x")));
      assertEquals(PeerException.DESTINATION_UNRESOLVABLE, unknown.code());
      assertEquals(422, unknown.httpStatus());
      assertEquals(1, alice.outbox().depth().values().stream().mapToLong(Long::longValue).sum(),
          "only the send by name has an outbox row; the refused one left none");
    }
  }

  private static boolean idle(Peer peer) {
    try {
      return peer.health().queueDepth() == 0 && peer.health().inflight() == 0;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static OutboxStatus status(Peer peer, String id) {
    try {
      return peer.outbox().find(id).orElseThrow().status();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Whether any file under {@code dir} (database, WAL, journal) contains {@code text} as UTF-8. */
  static boolean brokerFilesContain(Path dir, String text) throws IOException {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        if (indexOf(Files.readAllBytes(file), needle) >= 0) {
          return true;
        }
      }
    }
    return false;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
