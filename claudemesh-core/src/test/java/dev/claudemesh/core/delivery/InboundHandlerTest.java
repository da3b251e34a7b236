package dev.claudemesh.core.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.core.crypto.Box;
import dev.claudemesh.core.crypto.Ed25519SigningKey;
import dev.claudemesh.core.crypto.SealedEnvelope;
import dev.claudemesh.core.events.EventBus;
import dev.claudemesh.core.events.EventKinds;
import dev.claudemesh.core.events.PeerEvent;
import dev.claudemesh.core.fingerprint.DestinationKind;
import dev.claudemesh.core.identity.DmKeyRing;
import dev.claudemesh.core.identity.KeyArchive;
import dev.claudemesh.core.protocol.ClientAck;
import dev.claudemesh.core.protocol.Push;
import dev.claudemesh.core.store.Inbox;
import dev.claudemesh.core.store.InboxMessage;
import dev.claudemesh.core.store.InboxQuery;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InboundHandlerTest {
  @TempDir Path dir;

  private final TestClock clock = new TestClock();
  private final Ed25519SigningKey me = Ed25519SigningKey.generate();
  private final Ed25519SigningKey sender = Ed25519SigningKey.generate();
  private final List<PeerEvent> events = new CopyOnWriteArrayList<>();
  private final List<Boolean> rowPresentAtAck = new CopyOnWriteArrayList<>();
  private Inbox inbox;
  private EventBus bus;
  private InboundHandler handler;
  private FakeLink link;

  @BeforeEach
  void open() throws Exception {
    inbox = Inbox.builder(dir).clock(clock).open();
    bus = new EventBus(clock);
    bus.subscribe(events::add);
    link = new FakeLink() {
      @Override
      public boolean clientAck(ClientAck ack) {
        try {
          rowPresentAtAck.add(inbox.query(InboxQuery.newest()).messages().stream()
              .anyMatch(m -> m.brokerMessageId().orElse("").equals(ack.brokerMessageId())));
        } catch (Exception e) {
          throw new AssertionError(e);
        }
        return super.clientAck(ack);
      }
    };
    KeyArchive archive = KeyArchive.load(dir.resolve("keypair-archive.json"), clock);
    handler = new InboundHandler(inbox, link, new DmKeyRing(me::toX25519, archive), bus, clock);
  }

  @AfterEach
  void close() {
    bus.close();
    inbox.close();
  }

  private Push dm(String messageId, String clientMessageId, String body, Ed25519SigningKey from, Ed25519SigningKey to) {
    SealedEnvelope sealed = Box.seal(body.getBytes(StandardCharsets.UTF_8), to.publicKey().toX25519(), from.toX25519());
    String pub = from.publicKey().hex();
    return new Push(messageId, "mesh-1", pub, pub, "member-s", "sender", null, null, "next",
        sealed.nonceBase64(), sealed.ciphertextBase64(), 1L, Map.of("k", "v"), clientMessageId, "d-" + messageId,
        null, null, null);
  }

  private Push topic(String messageId, String clientMessageId, byte[] body) {
    String pub = sender.publicKey().hex();
    return new Push(messageId, "mesh-1", pub, pub, "member-s", "sender", "ops", null, "now", null,
        Base64.getEncoder().encodeToString(body), 1L, null, clientMessageId, "d-" + messageId, null, null, null);
  }

  private void settle(Push push) throws Exception {
    handler.onPush(push).get(10, TimeUnit.SECONDS);
  }

  private void awaitEvents(int n) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (events.size() < n && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }

  @Test
  void dmIsStoredThenAcknowledgedThenPublished() throws Exception {
    settle(dm("b1", "c1", "hello there", sender, me));
    List<InboxMessage> rows = inbox.query(InboxQuery.newest()).messages();
    assertEquals(1, rows.size());
    InboxMessage row = rows.get(0);
    assertEquals("hello there", row.body().orElseThrow());
    assertEquals("c1", row.clientMessageId());
    assertEquals("b1", row.brokerMessageId().orElseThrow());
    assertEquals(sender.publicKey().hex(), row.senderPubkey());
    assertEquals("{\"k\":\"v\"}", row.meta().orElseThrow());
    assertEquals(List.of(true), rowPresentAtAck, "client_ack only after the row is committed");
    assertEquals("d-b1", link.clientAcks.get(0).deliveryId());
    awaitEvents(1);
    PeerEvent event = events.get(0);
    assertEquals(EventKinds.MESSAGE, event.kind());
    assertEquals("hello there", event.data().get("body"));
    assertEquals("dm", event.data().get("kind"));
    assertEquals(1, handler.receivedCount());
    assertEquals(1, handler.receivedCount(DestinationKind.DM));
    assertEquals(0, handler.receivedCount(DestinationKind.TOPIC));
  }

  @Test
  void duplicateDeliveryIsAcknowledgedAgainButPublishesNothing() throws Exception {
    settle(dm("b1", "c1", "once", sender, me));
    settle(dm("b1", "c1", "once", sender, me));
    assertEquals(1, inbox.query(InboxQuery.newest()).messages().size());
    assertEquals(2, link.clientAcks.size());
    Thread.sleep(200);
    assertEquals(1, events.size());
    assertEquals(1, handler.duplicateCount());
  }

  @Test
  void pushWithoutClientMessageIdDedupesOnTheBrokerMessageId() throws Exception {
    settle(topic("b9", null, "x".getBytes(StandardCharsets.UTF_8)));
    settle(topic("b9", null, "x".getBytes(StandardCharsets.UTF_8)));
    List<InboxMessage> rows = inbox.query(InboxQuery.newest()).messages();
    assertEquals(1, rows.size());
    assertEquals("b9", rows.get(0).clientMessageId());
  }

  @Test
  void dmThatDoesNotDecryptIsNotStoredAndEmitsDecryptFailed() throws Exception {
    Ed25519SigningKey someoneElse = Ed25519SigningKey.generate();
    settle(dm("b2", "c2", "not for me", sender, someoneElse));
    assertTrue(inbox.query(InboxQuery.newest()).messages().isEmpty());
    awaitEvents(1);
    assertEquals(EventKinds.DECRYPT_FAILED, events.get(0).kind());
    assertEquals("b2", events.get(0).data().get("broker_message_id"));
    assertEquals(1, handler.decryptFailedCount());
    assertEquals(1, link.clientAcks.size(), "acknowledged so the broker stops redelivering");
  }

  @Test
  void topicBodyIsDecodedAndInvalidUtf8IsDropped() throws Exception {
    settle(topic("b3", "c3", "héllo".getBytes(StandardCharsets.UTF_8)));
    settle(topic("b4", "c4", new byte[] {(byte) 0xff, (byte) 0xfe}));
    List<InboxMessage> rows = inbox.query(InboxQuery.newest()).messages();
    assertEquals(1, rows.size());
    assertEquals("héllo", rows.get(0).body().orElseThrow());
    assertEquals("ops", rows.get(0).topic().orElseThrow());
    assertEquals(1, handler.invalidCount());
    assertEquals(1, handler.receivedCount(DestinationKind.TOPIC), "the invalid one is not received");
    assertEquals(0, handler.receivedCount(DestinationKind.DM));
  }

  @Test
  void systemPushesBecomePeerEventsAndTouchNoInbox() throws Exception {
    Push joined = new Push("s1", "mesh-1", "broker", "broker", "broker", "broker", null, null, "next", null, null,
        1L, null, null, "sys-1", "system", "peer_joined", Map.of("pubkey", sender.publicKey().hex()));
    Push left = new Push("s2", "mesh-1", "broker", "broker", "broker", "broker", null, null, "next", null, null,
        1L, null, null, "sys-2", "system", "peer_left", Map.of("pubkey", sender.publicKey().hex()));
    settle(joined);
    settle(left);
    awaitEvents(2);
    assertEquals(EventKinds.PEER_JOIN, events.get(0).kind());
    assertEquals(sender.publicKey().hex(), events.get(0).data().get("pubkey"));
    assertEquals(EventKinds.PEER_LEAVE, events.get(1).kind());
    assertTrue(inbox.query(InboxQuery.newest()).messages().isEmpty());
    assertTrue(link.clientAcks.isEmpty());
  }
}
