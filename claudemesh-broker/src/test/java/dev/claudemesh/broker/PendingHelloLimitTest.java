package dev.claudemesh.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.claudemesh.core.protocol.PeersList;
import dev.claudemesh.core.protocol.Request;
import org.junit.jupiter.api.Test;

/** Idle sockets that never say hello cannot pile up without bound. */
class PendingHelloLimitTest extends BrokerTestBase {
  @Override
  ReferenceBroker.Builder configure(ReferenceBroker.Builder builder) {
    return builder.maxPendingHellos(2);
  }

  @Test
  void pastTheLimitANewSocketIsToldToTryAgainLater() throws Exception {
    TestClient idle1 = open();
    TestClient idle2 = open();
    // the client's handshake can complete before the broker has counted the socket; open the
    // third only once both idle ones are counted, or the broker may refuse idle2 instead
    awaitOpenedConnections(2);
    TestClient third = open();
    TestClient.Closed closed = third.awaitClose();
    assertEquals(Hub.TRY_AGAIN_LATER, closed.code());
    assertEquals("too_many_pending_connections", closed.reason());
    idle1.close();
    idle2.close();
    Thread.sleep(200);
    TestClient member = connect(join("alice")); // room again once the idle ones are gone
    member.send(Request.listPeers("r"));
    assertEquals("r", member.expect(PeersList.class).reqId());
  }

  private void awaitOpenedConnections(int count) throws InterruptedException {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
    java.util.regex.Pattern opened = java.util.regex.Pattern.compile(
        "(?m)^cm_broker_connections_opened_total ([0-9.E]+)$");
    while (System.nanoTime() < deadline) {
      java.util.regex.Matcher m = opened.matcher(broker.metricsText());
      if (m.find() && Double.parseDouble(m.group(1)) >= count) {
        return;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("the broker did not count " + count + " open sockets");
  }
}
