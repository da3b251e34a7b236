package dev.claudemesh.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.core.CapturedLogs;
import dev.claudemesh.core.protocol.Ack;
import dev.claudemesh.core.protocol.ClientAck;
import dev.claudemesh.core.protocol.Frame;
import dev.claudemesh.core.protocol.Ok;
import dev.claudemesh.core.protocol.Push;
import dev.claudemesh.core.protocol.Request;
import dev.claudemesh.core.protocol.SendFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Delivery rows, leases, client_ack and the offline queue (SPEC §8.4). */
class DeliveryTest extends BrokerTestBase {

  private Ack send(TestClient c, SendFrame frame) {
    c.send(frame);
    return c.expect(Ack.class, a -> a.id().equals(frame.id()));
  }

  private void awaitOpen(String memberId, long expected) throws Exception {
    for (int i = 0; i < 200 && broker.openDeliveries(memberId) != expected; i++) {
      Thread.sleep(25);
    }
    assertEquals(expected, broker.openDeliveries(memberId));
  }

  @Test
  void clientAckCompletesTheDelivery() throws Exception {
    TestMember alice = join("alice");
    TestMember bob = join("bob");
    TestClient a = connect(alice);
    TestClient b = connect(bob);
    send(a, dm("s1", bob, "c1", randomHex(32)));
    Push push = b.expectMessage();
    assertEquals(1, broker.openDeliveries(bob.memberId()));
    b.send(new ClientAck(push.deliveryId(), push.clientMessageId(), push.messageId()));
    awaitOpen(bob.memberId(), 0);
    assertTrue(broker.metricsText().contains("cm_broker_delivery_completed_total 1.0"));
  }

  @Test
  void unackedDeliveryIsPushedAgainAfterTheLease() throws Exception {
    TestMember alice = join("alice");
    TestMember bob = join("bob");
    TestClient a = connect(alice);
    TestClient b = connect(bob);
    send(a, dm("s1", bob, "c1", randomHex(32)));
    Push first = b.expectMessage();
    broker.runMaintenance();
    assertEquals(List.of(), messages(b.drain(200)), "the lease has not run out");
    clock.advance(Duration.ofSeconds(31));
    broker.runMaintenance();
    Push again = b.expectMessage();
    assertEquals(first.deliveryId(), again.deliveryId());
    assertEquals(first.messageId(), again.messageId());
    b.send(new ClientAck(again.deliveryId(), again.clientMessageId(), again.messageId()));
    awaitOpen(bob.memberId(), 0);
  }

  @Test
  void foreignAndUnknownAcksAreIgnoredAndCounted() throws Exception {
    TestMember alice = join("alice");
    TestMember bob = join("bob");
    TestMember carol = join("carol");
    TestClient a = connect(alice);
    TestClient b = connect(bob);
    TestClient c = connect(carol);
    send(a, dm("s1", bob, "c1", randomHex(32)));
    Push push = b.expectMessage();
    c.send(new ClientAck(push.deliveryId(), null, push.messageId())); // not carol's row
    c.send(new ClientAck("dlv_nope", null, "msg_nope"));
    for (int i = 0; i < 200 && !broker.metricsText().contains("cm_broker_client_ack_unknown_total 2.0"); i++) {
      Thread.sleep(25);
    }
    assertTrue(broker.metricsText().contains("cm_broker_client_ack_unknown_total 2.0"));
    assertEquals(1, broker.openDeliveries(bob.memberId()));
  }

  @Test
  void offlineRecipientGetsItsQueueInOrderOnConnect() throws Exception {
    TestMember alice = join("alice");
    TestMember bob = join("bob");
    TestClient a = connect(alice);
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Ack ack = send(a, dm("s" + i, bob, "c" + i, randomHex(32)));
      assertTrue(ack.queued());
      sent.add(ack.brokerMessageId());
    }
    TestClient b = connect(bob);
    List<String> received = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Push p = b.expectMessage();
      received.add(p.messageId());
      b.send(new ClientAck(p.deliveryId(), p.clientMessageId(), p.messageId()));
    }
    assertEquals(sent, received);
    awaitOpen(bob.memberId(), 0);
  }

  @Test
  void reconnectRedeliversRowsLeasedToTheOldConnection() throws Exception {
    TestMember alice = join("alice");
    TestMember bob = join("bob");
    TestClient a = connect(alice);
    TestClient b1 = connect(bob);
    send(a, dm("s1", bob, "c1", randomHex(32)));
    Push first = b1.expectMessage();
    b1.close();
    b1.awaitClose();
    TestClient b2 = connect(bob);
    Push again = b2.expectMessage();
    assertEquals(first.deliveryId(), again.deliveryId());
  }

  @Test
  void topicPostsFanOutToSubscribersButNotTheSender() throws Exception {
    TestMember alice = join("alice");
    TestMember bob = join("bob");
    TestMember carol = join("carol");
    TestClient a = connect(alice);
    TestClient b = connect(bob);
    TestClient c = connect(carol);
    a.send(Request.topic(Request.TOPIC_CREATE, "r1", "news"));
    a.expect(Ok.class);
    b.send(Request.topic(Request.TOPIC_JOIN, "r2", "news"));
    b.expect(Ok.class);
    Ack ack = send(a, post("p1", "news", "post-1", randomHex(32)));
    assertEquals(201, ack.status());
    Push push = b.expectMessage();
    assertEquals("news", push.topic());
    assertEquals(ack.brokerMessageId(), push.messageId());
    assertEquals(List.of(), messages(c.drain(300)), "carol is not subscribed");
    assertEquals(List.of(), messages(a.drain(100)), "the sender gets no copy");
  }

  @Test
  void broadcastReachesEveryOtherMember() throws Exception {
    TestMember alice = join("alice");
    TestMember bob = join("bob");
    TestMember carol = join("carol");
    TestClient a = connect(alice);
    TestClient b = connect(bob);
    TestClient c = connect(carol);
    SendFrame all = new SendFrame("b1", "*", "now", null, CapturedLogs.rememberSecret(randomBase64(20)),
        null, List.of(), null, "bc-1", randomHex(32), "1", "topic", "*");
    Ack ack = send(a, all);
    assertEquals(201, ack.status());
    Push atBob = b.expectMessage();
    assertEquals(ack.brokerMessageId(), atBob.messageId());
    assertEquals("*", atBob.topic(), "a broadcast push says so, so it is not taken for a DM");
    assertEquals(ack.brokerMessageId(), c.expectMessage().messageId());
  }

  @Test
  void sessionPubkeyIsTheSenderPubkeyOfPushes() throws Exception {
    TestMember alice = join("alice");
    TestMember bob = join("bob");
    String session = newKey().publicKey().hex();
    TestClient a = open();
    dev.claudemesh.core.protocol.Hello h = hello(alice, clock.millis());
    a.send(new dev.claudemesh.core.protocol.Hello(h.meshId(), h.memberId(), h.pubkey(), session, h.displayName(),
        h.sessionId(), h.pid(), h.cwd(), h.hostname(), h.peerType(), h.channel(), 1, List.of(), h.timestamp(),
        h.signature()));
    a.expect(dev.claudemesh.core.protocol.HelloAck.class);
    TestClient b = connect(bob);
    send(a, dm("s1", bob, "c1", randomHex(32)));
    Push p = b.expectMessage();
    assertEquals(session, p.senderPubkey());
    assertEquals(alice.pubkey(), p.senderMemberPubkey());
  }

  static List<Push> messages(List<Frame> frames) {
    List<Push> out = new ArrayList<>();
    for (Frame f : frames) {
      if (f instanceof Push && !((Push) f).isSystem()) {
        out.add((Push) f);
      }
    }
    return out;
  }
}
