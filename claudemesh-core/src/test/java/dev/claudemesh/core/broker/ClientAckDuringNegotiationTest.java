package dev.claudemesh.core.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.core.protocol.ClientAck;
import dev.claudemesh.core.protocol.FeatureNegotiationRequest;
import dev.claudemesh.core.protocol.Hello;
import dev.claudemesh.core.protocol.Push;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A broker pushes queued deliveries right after {@code hello_ack}, while the client is still
 * negotiating features: the client's {@code client_ack}s for them must go out on that socket, or
 * the broker would wait a whole lease to redeliver.
 */
class ClientAckDuringNegotiationTest {
  private FakeBroker broker;
  private BrokerConnection connection;

  @AfterEach
  void close() {
    if (connection != null) {
      connection.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void clientAckForAPushBeforeNegotiationEndsIsSent() throws Exception {
    broker = new FakeBroker();
    broker.negotiation = null; // hold the negotiation answer
    CompletableFuture<Boolean> acked = new CompletableFuture<>();
    BrokerListener listener = new BrokerListener() {
      @Override
      public void onPush(Push push) {
        acked.complete(connection.clientAck(new ClientAck(push.deliveryId(), push.clientMessageId(), push.messageId())));
      }
    };
    connection = BrokerTests.builder(broker, listener).build();
    connection.start();
    FakeBroker.Conn conn = broker.nextConnection();
    conn.next(Hello.class);
    conn.next(FeatureNegotiationRequest.class);
    assertFalse(connection.isConnected(), "still negotiating");
    conn.send(BrokerTests.pushJson("early-1"));
    assertTrue(acked.get(10, TimeUnit.SECONDS), "clientAck accepted during negotiation");
    ClientAck ack = conn.next(ClientAck.class);
    assertEquals("early-1", ack.brokerMessageId());
  }

  @Test
  void clientAckBeforeHelloAckIsRefused() throws Exception {
    broker = new FakeBroker();
    broker.answerHello = false;
    connection = BrokerTests.builder(broker, new BrokerListener() {}).build();
    connection.start();
    FakeBroker.Conn conn = broker.nextConnection();
    conn.next(Hello.class);
    assertFalse(connection.clientAck(new ClientAck("d-1", null, "b-1")));
  }
}
