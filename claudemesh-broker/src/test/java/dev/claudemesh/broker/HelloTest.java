package dev.claudemesh.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.core.protocol.CloseCodes;
import dev.claudemesh.core.protocol.FeatureNegotiation;
import dev.claudemesh.core.protocol.FeatureNegotiationRequest;
import dev.claudemesh.core.protocol.FeatureNegotiationResponse;
import dev.claudemesh.core.protocol.Hello;
import dev.claudemesh.core.protocol.HelloAck;
import dev.claudemesh.core.protocol.PeersList;
import dev.claudemesh.core.protocol.Request;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HelloTest extends BrokerTestBase {

  @Test
  void validHelloIsAcknowledged() throws Exception {
    TestMember alice = join("alice");
    TestClient c = open();
    c.send(hello(alice, clock.millis()));
    HelloAck ack = c.expect(HelloAck.class);
    assertEquals("alice", ack.memberDisplayName());
    assertEquals(1, ack.protocolVersion());
    assertEquals(ReferenceBroker.VERSION, ack.brokerVersion());
    assertTrue(ack.presenceId().startsWith("pres_"));
  }

  @Test
  void badSignatureIsClosedWith1008() throws Exception {
    TestMember alice = join("alice");
    Hello good = hello(alice, clock.millis());
    Hello forged = new Hello(good.meshId(), good.memberId(), good.pubkey(), null, null, "s", 1, "/", null, "ai",
        null, 1, List.of(), good.timestamp() + 1, good.signature());
    TestClient c = open();
    c.send(forged);
    assertEquals(new TestClient.Closed(CloseCodes.POLICY_VIOLATION, "signature_invalid"), c.awaitClose());
  }

  @Test
  void clockSkewIsClosedWith1008() throws Exception {
    TestMember alice = join("alice");
    TestClient c = open();
    c.send(hello(alice, clock.millis() - 61_000));
    assertEquals(new TestClient.Closed(CloseCodes.POLICY_VIOLATION, "clock_skew"), c.awaitClose());
  }

  @Test
  void unknownMemberIsClosedWith1008() throws Exception {
    TestMember alice = join("alice");
    TestMember stranger = new TestMember(newKey(), alice.memberId(), alice.meshId(), "mallory");
    TestClient c = open();
    c.send(hello(stranger, clock.millis())); // signed by its own key, but the member id is alice's
    assertEquals(new TestClient.Closed(CloseCodes.POLICY_VIOLATION, "unknown_member"), c.awaitClose());
  }

  @Test
  void unknownMeshIsClosedWith1008() throws Exception {
    TestMember alice = join("alice");
    TestMember elsewhere = new TestMember(alice.key(), alice.memberId(), "mesh_nope", "alice");
    TestClient c = open();
    c.send(hello(elsewhere, clock.millis()));
    assertEquals(new TestClient.Closed(CloseCodes.POLICY_VIOLATION, "unknown_mesh"), c.awaitClose());
  }

  @Test
  void revokedMemberIsClosedWith4002() throws Exception {
    TestMember alice = join("alice");
    assertEquals(1, broker.revokeMember(alice.pubkey()));
    TestClient c = open();
    c.send(hello(alice, clock.millis()));
    assertEquals(new TestClient.Closed(CloseCodes.REVOKED, "member_revoked"), c.awaitClose());
  }

  @Test
  void firstFrameMustBeHello() {
    TestClient c = open();
    c.send(Request.listPeers("r1"));
    assertEquals(new TestClient.Closed(CloseCodes.POLICY_VIOLATION, "hello_required"), c.awaitClose());
  }

  @Test
  void negotiationAnswersTheDefaultAdvertisement() throws Exception {
    TestClient c = connect(join("alice"));
    c.send(new FeatureNegotiationRequest(List.of(FeatureNegotiation.CLIENT_MESSAGE_ID_DEDUPE,
        FeatureNegotiation.CONCURRENT_CONNECTION_POLICY, "key_epoch"), List.of(FeatureNegotiation.MAX_PAYLOAD)));
    FeatureNegotiationResponse r = c.expect(FeatureNegotiationResponse.class);
    assertEquals(List.of("key_epoch"), r.missingRequired());
    assertEquals("retention_scoped", r.supported().get(FeatureNegotiation.CLIENT_MESSAGE_ID_DEDUPE).get("mode"));
    assertEquals(30.0, ((Number) r.supported().get(FeatureNegotiation.CLIENT_MESSAGE_ID_DEDUPE)
        .get("dedupe_retention_days")).doubleValue());
    assertEquals(Boolean.TRUE, r.supported().get(FeatureNegotiation.CLIENT_MESSAGE_ID_DEDUPE).get("request_fingerprint"));
    assertEquals("prefer_newest",
        r.supported().get(FeatureNegotiation.CONCURRENT_CONNECTION_POLICY).get("default_policy"));
    assertFalse(r.supported().containsKey(FeatureNegotiation.KEY_EPOCH), "never advertise what is not implemented");
    // the same client judges it acceptable with the daemon's defaults
    assertTrue(FeatureNegotiation.evaluate(r, FeatureNegotiation.DEFAULT_REQUIRE, FeatureNegotiation.DEFAULT_OPTIONAL,
        w -> { }).ok());
    // and the connection keeps working
    c.send(Request.listPeers("after"));
    c.expect(PeersList.class);
  }

  @Test
  void clientsThatNeverNegotiateAreServed() throws Exception {
    TestClient c = connect(join("alice"));
    c.send(Request.listPeers("r1"));
    assertEquals("r1", c.expect(PeersList.class).reqId());
  }

  @Test
  void helloTimeoutClosesWith1008() throws Exception {
    broker.close();
    broker = ReferenceBroker.builder().dbPath(dir.resolve("broker.db")).clock(clock)
        .helloTimeout(Duration.ofMillis(200)).build().start();
    TestClient c = open();
    assertEquals(new TestClient.Closed(CloseCodes.POLICY_VIOLATION, "hello_timeout"), c.awaitClose());
  }
}
