package dev.claudemesh.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.core.protocol.ClientAck;
import dev.claudemesh.core.protocol.CloseCodes;
import dev.claudemesh.core.protocol.ErrorFrame;
import dev.claudemesh.core.protocol.Frame;
import dev.claudemesh.core.protocol.Ok;
import dev.claudemesh.core.protocol.PeerInfo;
import dev.claudemesh.core.protocol.PeersList;
import dev.claudemesh.core.protocol.Push;
import dev.claudemesh.core.protocol.Request;
import dev.claudemesh.core.protocol.TopicInfo;
import dev.claudemesh.core.protocol.TopicsList;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Presence and its grace window, list_peers, profiles and topics (SPEC §7.5, §8.4). */
class PresenceTest extends BrokerTestBase {

  static List<Push> system(List<Frame> frames, String event) {
    List<Push> out = new ArrayList<>();
    for (Frame f : frames) {
      if (f instanceof Push && ((Push) f).isSystem() && event.equals(((Push) f).event())) {
        out.add((Push) f);
      }
    }
    return out;
  }

  @Test
  void peerJoinedIsPushedToOthers() throws Exception {
    TestMember alice = join("alice");
    TestMember bob = join("bob");
    TestClient a = connect(alice);
    connect(bob);
    Push joined = a.expectSystem("peer_joined");
    assertEquals(Push.SUBTYPE_SYSTEM, joined.subtype());
    assertNull(joined.ciphertext());
    assertEquals(Map.of("pubkey", bob.pubkey(), "memberId", bob.memberId(), "displayName", "bob"), joined.eventData());
    assertTrue(joined.deliveryId().startsWith("sys-"));
    a.send(new ClientAck(joined.deliveryId(), null, joined.messageId())); // ignored, not counted
    a.send(Request.listPeers("sync"));
    a.expect(PeersList.class);
    assertTrue(broker.metricsText().contains("cm_broker_client_ack_unknown_total 0.0"));
  }

  @Test
  void reconnectWithinGraceIsSilentAndExpiryIsPeerLeft() throws Exception {
    TestMember alice = join("alice");
    TestMember bob = join("bob");
    TestClient a = connect(alice);
    TestClient b = connect(bob);
    a.expectSystem("peer_joined");
    b.close();
    b.awaitClose();
    clock.advance(Duration.ofSeconds(60));
    broker.runMaintenance();
    TestClient b2 = connect(bob);
    clock.advance(Duration.ofSeconds(60));
    broker.runMaintenance();
    List<Frame> seen = a.drain(300);
    assertEquals(List.of(), system(seen, "peer_joined"), "no flicker on reconnect within the grace window");
    assertEquals(List.of(), system(seen, "peer_left"));

    b2.close();
    b2.awaitClose();
    Thread.sleep(100);
    clock.advance(Duration.ofSeconds(91));
    broker.runMaintenance();
    Push left = a.expectSystem("peer_left");
    assertEquals(bob.memberId(), left.eventData().get("memberId"));
    connect(bob);
    a.expectSystem("peer_joined");
  }

  @Test
  void ephemeralMemberIsRemovedAfterGrace() throws Exception {
    TestMember alice = join("alice");
    TestMember temp = join("temp", broker.createInvite(mesh.slug(), 1, true));
    TestClient a = connect(alice);
    TestClient t = connect(temp);
    a.expectSystem("peer_joined");
    t.close();
    t.awaitClose();
    Thread.sleep(100);
    clock.advance(Duration.ofSeconds(91));
    broker.runMaintenance();
    a.expectSystem("peer_left");
    TestClient again = open();
    again.send(hello(temp, clock.millis()));
    assertEquals(new TestClient.Closed(CloseCodes.POLICY_VIOLATION, "unknown_member"), again.awaitClose());
  }

  @Test
  void listPeersShowsVisibleLiveMembersButNotTheCaller() throws Exception {
    TestMember alice = join("alice");
    TestMember bob = join("bob");
    TestMember carol = join("carol");
    TestClient a = connect(alice);
    TestClient b = connect(bob);
    TestClient c = connect(carol);
    b.send(new Request(Request.SET_STATUS, "st", Map.of("status", "busy")));
    b.expect(Ok.class);
    b.send(new Request(Request.SET_PROFILE, "pr", Map.of("summary", "reviewing", "title", "Reviewer")));
    b.expect(Ok.class);
    c.send(new Request(Request.SET_VISIBLE, "vis", Map.of("visible", false)));
    c.expect(Ok.class);
    a.send(Request.listPeers("lp"));
    PeersList list = a.expect(PeersList.class);
    assertEquals("lp", list.reqId());
    assertEquals(1, list.peers().size(), list.peers().toString());
    PeerInfo peer = list.peers().get(0);
    assertEquals(bob.pubkey(), peer.pubkey());
    assertEquals(bob.memberId(), peer.memberId());
    assertEquals("busy", peer.status());
    assertEquals("reviewing", peer.summary());
    assertEquals("Reviewer", peer.title());
  }

  @Test
  void topicsCreateJoinLeaveAndList() throws Exception {
    TestMember alice = join("alice");
    TestMember bob = join("bob");
    TestClient a = connect(alice);
    TestClient b = connect(bob);
    a.send(Request.topic(Request.TOPIC_CREATE, "c1", "news"));
    assertEquals("c1", a.expect(Ok.class).reqId());
    a.send(Request.topic(Request.TOPIC_CREATE, "c2", "news"));
    assertEquals("c2", a.expect(Ok.class).reqId(), "create is idempotent");
    b.send(Request.topic(Request.TOPIC_JOIN, "j0", "nope"));
    ErrorFrame error = b.expect(ErrorFrame.class);
    assertEquals("topic_not_found", error.code());
    assertEquals("j0", error.reqId());
    b.send(Request.topicList("l1"));
    assertEquals(List.of(new TopicInfo("news", false, 1)), b.expect(TopicsList.class).topics());
    b.send(Request.topic(Request.TOPIC_JOIN, "j1", "news"));
    b.expect(Ok.class);
    b.send(Request.topic(Request.TOPIC_JOIN, "j2", "news"));
    b.expect(Ok.class);
    b.send(Request.topicList("l2"));
    assertEquals(List.of(new TopicInfo("news", true, 2)), b.expect(TopicsList.class).topics());
    b.send(Request.topic(Request.TOPIC_LEAVE, "x1", "news"));
    b.expect(Ok.class);
    b.send(Request.topic(Request.TOPIC_LEAVE, "x2", "news"));
    b.expect(Ok.class);
    a.send(Request.topicList("l3"));
    assertEquals(List.of(new TopicInfo("news", true, 1)), a.expect(TopicsList.class).topics());
  }
}
