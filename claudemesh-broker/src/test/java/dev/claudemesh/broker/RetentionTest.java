package dev.claudemesh.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.broker.store.SweepResult;
import dev.claudemesh.core.protocol.Ack;
import dev.claudemesh.core.protocol.SendFrame;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The retention sweep and its audit (SPEC §8.3). */
class RetentionTest extends BrokerTestBase {
  @Override
  ReferenceBroker.Builder configure(ReferenceBroker.Builder builder) {
    return builder.dedupeRetentionScoped(30).messageRetentionDays(5);
  }

  private Ack send(TestClient c, SendFrame frame) {
    c.send(frame);
    return c.expect(Ack.class, a -> a.id().equals(frame.id()));
  }

  private static SendFrame same(SendFrame f, String id) {
    return new SendFrame(id, f.targetSpec(), f.priority(), f.nonce(), f.ciphertext(), null, List.of(), null,
        f.clientMessageId(), f.requestFingerprint(), f.envelopeVersion(), f.destinationKind(), f.destinationRef());
  }

  @Test
  void messageRetentionKeepsTheDedupeRowWithoutHistory() throws Exception {
    TestMember alice = join("alice");
    TestMember bob = join("bob");
    TestClient a = connect(alice);
    SendFrame frame = dm("s1", bob, "old", randomHex(32));
    Ack first = send(a, frame);
    clock.advance(Duration.ofDays(6));
    SweepResult r = broker.sweepRetention();
    assertEquals(1, r.messagesDeleted());
    assertEquals(1, r.dedupeRowsHistoryGone());
    assertEquals(0, r.orphansFound());
    assertEquals(0, broker.openDeliveries(bob.memberId()));
    a.close();
    a.awaitClose();
    TestClient a2 = connect(alice); // a fresh hello after the clock moved
    Ack dup = send(a2, same(frame, "s1-retry"));
    assertEquals(200, dup.status());
    assertTrue(dup.duplicate());
    assertFalse(dup.historyAvailable());
    assertEquals(first.brokerMessageId(), dup.brokerMessageId());
  }

  @Test
  void expiredDedupeRowsAreDeletedAndTheIdIsNewAgain() throws Exception {
    TestMember alice = join("alice");
    TestMember bob = join("bob");
    TestClient a = connect(alice);
    SendFrame frame = dm("s1", bob, "ancient", randomHex(32));
    Ack first = send(a, frame);
    clock.advance(Duration.ofDays(31));
    SweepResult r = broker.sweepRetention();
    assertEquals(1, r.dedupeRowsDeleted());
    a.close();
    a.awaitClose();
    TestClient a2 = connect(alice);
    Ack fresh = send(a2, same(frame, "s1-late"));
    assertEquals(201, fresh.status());
    assertFalse(fresh.brokerMessageId().equals(first.brokerMessageId()));
  }

  @Test
  void orphanCheckFeedsTheGauge() throws Exception {
    TestMember alice = join("alice");
    TestMember bob = join("bob");
    TestClient a = connect(alice);
    Ack ack = send(a, dm("s1", bob, "orphan", randomHex(32)));
    assertEquals(0, broker.sweepRetention().orphansFound());
    assertTrue(broker.metricsText().contains("cm_broker_dedupe_orphan_found 0.0"));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("broker.db"));
        PreparedStatement p = c.prepareStatement("DELETE FROM messages WHERE id = ?")) {
      p.setString(1, ack.brokerMessageId()); // what a faulty cleanup job would do
      assertEquals(1, p.executeUpdate());
    }
    assertEquals(1, broker.sweepRetention().orphansFound());
    assertTrue(broker.metricsText().contains("cm_broker_dedupe_orphan_found 1.0"));
  }
}
