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
}
