package dev.claudemesh.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.claudemesh.core.protocol.CloseCodes;
import dev.claudemesh.core.protocol.PeersList;
import dev.claudemesh.core.protocol.Request;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Pings for idle connections and the close of silent ones (SPEC §7.6), by the broker clock. */
class KeepaliveTest extends BrokerTestBase {
  @Override
  ReferenceBroker.Builder configure(ReferenceBroker.Builder builder) {
    return builder.keepaliveInterval(Duration.ofSeconds(30)).silenceTimeout(Duration.ofSeconds(75));
  }

  @Test
  void aConnectionThatAnswersStaysAndASilentOneIsClosed() throws Exception {
    TestClient c = connect(join("alice"));
    clock.advance(Duration.ofSeconds(31));
    broker.runMaintenance(); // pings; OkHttp answers with a pong
    c.send(Request.listPeers("alive"));
    c.expect(PeersList.class);
    clock.advance(Duration.ofSeconds(76));
    broker.runMaintenance();
    assertEquals(new TestClient.Closed(CloseCodes.GOING_AWAY, "idle_timeout"), c.awaitClose());
  }
}
