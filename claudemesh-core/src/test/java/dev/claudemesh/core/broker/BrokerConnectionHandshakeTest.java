package dev.claudemesh.core.broker;

import static dev.claudemesh.core.broker.BrokerTests.MEMBER;
import static dev.claudemesh.core.broker.BrokerTests.MESH;
import static dev.claudemesh.core.broker.BrokerTests.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.core.crypto.Ed25519SigningKey;
import dev.claudemesh.core.crypto.SignedStrings;
import dev.claudemesh.core.protocol.FeatureNegotiation;
import dev.claudemesh.core.protocol.FeatureNegotiationRequest;
import dev.claudemesh.core.protocol.Hello;
import dev.claudemesh.core.protocol.NegotiatedFeatures;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Hello, hello_ack and negotiation up to connected, and what happens when the broker is slow. */
class BrokerConnectionHandshakeTest {
  FakeBroker broker;
  RecordingListener listener = new RecordingListener();
  BrokerConnection connection;

  @BeforeEach
  void setUp() throws Exception {
    broker = new FakeBroker();
  }

  @AfterEach
  void tearDown() {
    if (connection != null) {
      connection.close();
    }
    broker.close();
  }

  @Test
  void helloThenHelloAckThenNegotiationThenConnected() throws Exception {
    Ed25519SigningKey key = BrokerTests.key();
    Clock clock = Clock.fixed(Instant.ofEpochMilli(1_700_000_123_456L), ZoneOffset.UTC);
    connection = BrokerTests.builder(broker, listener).signingKey(key).clock(clock)
        .capabilities(List.of("code")).sessionId("session-7").build();
    assertFalse(connection.isConnected());
    connection.start();

    FakeBroker.Conn conn = broker.nextConnection();
    Hello hello = conn.next(Hello.class);
    assertEquals(MESH, hello.meshId());
    assertEquals(MEMBER, hello.memberId());
    assertEquals(key.publicKey().hex(), hello.pubkey());
    assertEquals(1_700_000_123_456L, hello.timestamp());
    assertEquals("session-7", hello.sessionId());
    assertEquals("ai", hello.peerType());
    assertEquals(List.of("code"), hello.capabilities());
    assertEquals(ProcessHandle.current().pid(), hello.pid());
    assertTrue(SignedStrings.verifyHello(key.publicKey(), MESH, MEMBER, hello.timestamp(), hello.signature()));

    FeatureNegotiationRequest request = conn.next(FeatureNegotiationRequest.class);
    assertEquals(FeatureNegotiation.DEFAULT_REQUIRE, request.require());
    assertEquals(FeatureNegotiation.DEFAULT_OPTIONAL, request.optional());

    NegotiatedFeatures features = RecordingListener.take(listener.connected, "onConnected");
    assertEquals(Map.of("connected", true), Map.of("connected", connection.isConnected()));
    assertEquals("retention_scoped", features.dedupeMode().orElseThrow());
    assertEquals(65536, features.inlineBytes());
    assertEquals(features, connection.negotiatedFeatures().orElseThrow());
    assertEquals("presence-1", connection.helloAck().orElseThrow().presenceId());
    assertTrue(listener.threads.get(0).startsWith("claudemesh-broker-dispatch-"), listener.threads.toString());
    assertEquals(0, connection.reconnects());
    assertEquals(0, connection.invalidFrames());
  }

  @Test
  void skippingNegotiationConnectsOnHelloAckLikeAnOriginalPeer() throws Exception {
    connection = BrokerTests.builder(broker, listener).skipNegotiation(true).build();
    connection.start();
    FakeBroker.Conn conn = broker.nextConnection();
    conn.next(Hello.class);
    NegotiatedFeatures features = RecordingListener.take(listener.connected, "onConnected");
    assertEquals(Map.of(), features.asMap());
    assertTrue(connection.isConnected());
    conn.send(FakeBroker.ack("nothing", 201)); // any frame: the client sent nothing else before it
    eventually("the stray ack is counted", () -> connection.invalidFrames() == 1);
    assertEquals(List.of("hello"), conn.texts.stream().map(t -> t.contains("\"type\":\"hello\"") ? "hello" : t).toList());
  }

  @Test
  void noHelloAckWithinTheTimeoutClosesAndReconnects() throws Exception {
    broker.answerHello = false;
    connection = BrokerTests.builder(broker, listener).build();
    connection.start();
    FakeBroker.Conn first = broker.nextConnection();
    first.next(Hello.class);
    assertTrue(first.awaitClose().startsWith("1000 no hello_ack within 500 ms"));
    assertEquals("disconnected 1006 true", listener.await("disconnected"));

    broker.answerHello = true;
    FakeBroker.Conn second = broker.nextConnection();
    second.next(Hello.class);
    RecordingListener.take(listener.connected, "onConnected after the reconnect");
    assertTrue(connection.isConnected());
    assertTrue(connection.reconnectsByReason().get("hello_ack_timeout") >= 1, connection.reconnectsByReason().toString());
  }

  @Test
  void noNegotiationResponseWithinTheTimeoutReconnects() throws Exception {
    broker.negotiation = null;
    connection = BrokerTests.builder(broker, listener).build();
    connection.start();
    broker.nextConnection().next(FeatureNegotiationRequest.class);
    assertEquals("disconnected 1006 true", listener.await("disconnected"));
    broker.negotiation = FakeBroker.GOOD_NEGOTIATION;
    broker.nextConnection();
    RecordingListener.take(listener.connected, "onConnected after the reconnect");
    assertEquals(1L, connection.reconnectsByReason().get("negotiation_timeout"));
  }

  @Test
  void aBrokerThatRefusesTheUpgradeIsRetriedWithBackoff() throws Exception {
    broker.failHandshake = true;
    connection = BrokerTests.builder(broker, listener).build();
    connection.start();
    eventually("three attempts", () -> broker.upgrades.get() >= 3);
    assertFalse(connection.isConnected());
    assertTrue(connection.reconnectsByReason().get("connect_failed") >= 2, connection.reconnectsByReason().toString());
    broker.failHandshake = false;
    RecordingListener.take(listener.connected, "onConnected once the broker accepts");
  }
}
