package dev.claudemesh.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.core.protocol.Ack;
import dev.claudemesh.core.protocol.ErrorFrame;
import dev.claudemesh.core.protocol.Frames;
import dev.claudemesh.core.protocol.PeersList;
import dev.claudemesh.core.protocol.Request;
import org.junit.jupiter.api.Test;

/** Malformed frames are counted and answered; the connection keeps working (SPEC §12). */
class MalformedFrameTest extends BrokerTestBase {

  @Test
  void malformedFramesAreCountedAndTheConnectionSurvives() throws Exception {
    TestClient c = connect(join("alice"));
    c.sendRaw("not json at all");
    assertNull(c.expect(ErrorFrame.class).reqId());
    c.sendRaw("{\"type\":\"send\",\"id\":\"s-bad\",\"targetSpec\":\"nobody\",\"ciphertext\":\"AAAA\"}");
    Ack ack = c.expect(Ack.class);
    assertEquals("s-bad", ack.id());
    assertEquals(400, ack.status());
    assertEquals("invalid_frame", ack.error().code());
    assertTrue(ack.error().permanent());
    c.sendRaw("{\"type\":\"topic_join\",\"_reqId\":\"r-bad\",\"topic\":\"no spaces allowed\"}");
    ErrorFrame e = c.expect(ErrorFrame.class);
    assertEquals("invalid_frame", e.code());
    assertEquals("r-bad", e.reqId());
    c.sendRaw("{\"type\":\"mystery\",\"_reqId\":\"r-m\"}");
    assertEquals("r-m", c.expect(ErrorFrame.class).reqId());
    c.sendRaw("[1,2,3]");
    c.expect(ErrorFrame.class);
    c.sendRaw("{\"type\":\"list_peers\",\"_reqId\":\"" + "x".repeat(Frames.MAX_FRAME_CHARS) + "\"}");
    assertEquals("invalid_frame", c.expect(ErrorFrame.class).code());
    c.sendRaw("{\"type\":\"push\"}"); // a broker frame from a client
    c.expect(ErrorFrame.class);

    c.send(Request.listPeers("still-alive"));
    assertEquals("still-alive", c.expect(PeersList.class).reqId());
    assertTrue(broker.metricsText().contains("cm_broker_invalid_frame_total 7.0"), broker.metricsText());
  }

  @Test
  void beforeHelloOnlySmallFramesAreAccepted() throws Exception {
    TestClient c = open();
    c.sendRaw("{\"type\":\"hello\",\"pad\":\"" + "x".repeat(Connection.MAX_HELLO_CHARS) + "\"}");
    TestClient.Closed closed = c.awaitClose();
    assertEquals(1009, closed.code(), "a frame over the pre-hello limit closes the socket as too big");
    // after a hello, frames up to the protocol limit get answers instead (see above)
    TestClient ok = connect(join("bob"));
    ok.sendRaw("{\"type\":\"list_peers\",\"_reqId\":\"r\",\"pad\":\"" + "x".repeat(Connection.MAX_HELLO_CHARS) + "\"}");
    assertEquals("r", ok.expect(PeersList.class).reqId());
  }
}
