package dev.claudemesh.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.claudemesh.broker.store.ConnectionPolicy;
import dev.claudemesh.core.protocol.CloseCodes;
import dev.claudemesh.core.protocol.Hello;
import dev.claudemesh.core.protocol.PeersList;
import dev.claudemesh.core.protocol.Push;
import dev.claudemesh.core.protocol.Request;
import org.junit.jupiter.api.Test;

/** SPEC §8.5 policies and revocation, with their close codes (SPEC §7.6). */
class ConnectionPolicyTest extends BrokerTestBase {

  private TestMember joinMesh(String slug, ConnectionPolicy policy, String name) throws Exception {
    broker.createMesh(slug, policy);
    return join(name, broker.createInvite(slug, 1, false));
  }

  @Test
  void preferNewestClosesTheOldConnectionWith4003() throws Exception {
    TestMember alice = joinMesh("newest", ConnectionPolicy.PREFER_NEWEST, "alice");
    TestClient first = connect(alice);
    TestClient second = connect(alice);
    assertEquals(new TestClient.Closed(CloseCodes.REPLACED_BY_NEWER_CONNECTION, "replaced_by_newer_connection"),
        first.awaitClose());
    second.send(Request.listPeers("ok"));
    second.expect(PeersList.class);
  }

  @Test
  void preferOldestClosesTheNewConnectionWith4004() throws Exception {
    TestMember alice = joinMesh("oldest", ConnectionPolicy.PREFER_OLDEST, "alice");
    TestClient first = connect(alice);
    TestClient second = open();
    second.send(hello(alice, clock.millis()));
    assertEquals(new TestClient.Closed(CloseCodes.MEMBER_ALREADY_CONNECTED, "member_already_connected"),
        second.awaitClose());
    first.send(Request.listPeers("ok"));
    first.expect(PeersList.class);
  }

  @Test
  void allowConcurrentKeepsBoth() throws Exception {
    TestMember alice = joinMesh("both", ConnectionPolicy.ALLOW_CONCURRENT, "alice");
    TestClient first = connect(alice);
    TestClient second = connect(alice);
    first.send(Request.listPeers("a"));
    assertEquals(1, first.expect(PeersList.class).peers().size(), "the other connection of the same member");
    second.send(Request.listPeers("b"));
    second.expect(PeersList.class);
    assertFalse(first.closed.isDone());
  }

  @Test
  void revokeSendsMemberRevokedThenCloses4002() throws Exception {
    TestMember alice = join("alice");
    TestMember bob = join("bob");
    TestClient a = connect(alice);
    TestClient b = connect(bob);
    a.expectSystem("peer_joined");
    assertEquals(1, broker.revokeMember(bob.pubkey()));
    Push revoked = b.expectSystem("member_revoked");
    assertEquals(bob.pubkey(), revoked.eventData().get("pubkey"));
    assertEquals(new TestClient.Closed(CloseCodes.REVOKED, "member_revoked"), b.awaitClose());
    a.expectSystem("peer_left");
    Hello h = hello(bob, clock.millis());
    TestClient again = open();
    again.send(h);
    assertEquals(CloseCodes.REVOKED, again.awaitClose().code());
  }
}
