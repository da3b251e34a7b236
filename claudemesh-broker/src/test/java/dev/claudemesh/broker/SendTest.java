package dev.claudemesh.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.core.CapturedLogs;
import dev.claudemesh.core.protocol.Ack;
import dev.claudemesh.core.protocol.Ok;
import dev.claudemesh.core.protocol.Push;
import dev.claudemesh.core.protocol.Request;
import dev.claudemesh.core.protocol.SendFrame;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The accept phases B0-B3 of SPEC §8.1, over a real socket. */
class SendTest extends BrokerTestBase {
  static final int RATE = 3;

  @Override
  ReferenceBroker.Builder configure(ReferenceBroker.Builder builder) {
    return builder.rateLimit(RATE, Duration.ofMinutes(1)).inlineBytes(2048);
  }

  private Ack send(TestClient c, SendFrame frame) {
    c.send(frame);
    return c.expect(Ack.class, a -> a.id().equals(frame.id()));
  }

  @Test
  void newSendIsAcceptedWith201AndPushed() throws Exception {
    TestMember alice = join("alice");
    TestMember bob = join("bob");
    TestClient a = connect(alice);
    TestClient b = connect(bob);
    String fp = randomHex(32);
    SendFrame frame = dm("s1", bob, "cmid-1", fp);
    Ack ack = send(a, frame);
    assertEquals(201, ack.status());
    assertFalse(ack.duplicate());
    assertTrue(ack.historyAvailable());
    assertFalse(ack.queued(), "bob is online");
    assertEquals("cmid-1", ack.clientMessageId());
    assertNotNull(ack.brokerMessageId());
    assertEquals(ack.brokerMessageId(), ack.messageId());
    assertNotNull(ack.historyId());
    assertEquals(clock.millis(), ack.firstSeenAt());

    Push push = b.expectMessage();
    assertEquals(ack.brokerMessageId(), push.messageId());
    assertEquals(alice.pubkey(), push.senderPubkey());
    assertEquals(alice.pubkey(), push.senderMemberPubkey());
    assertEquals(alice.memberId(), push.senderMemberId());
    assertEquals("alice", push.senderName());
    assertEquals(frame.ciphertext(), push.ciphertext());
    assertEquals(frame.nonce(), push.nonce());
    assertEquals("cmid-1", push.clientMessageId());
    assertNull(push.topic());
  }

  @Test
  void retryWithTheSameFingerprintIsADuplicate() throws Exception {
    TestMember alice = join("alice");
    TestMember bob = join("bob");
    TestClient a = connect(alice);
    String fp = randomHex(32);
    SendFrame frame = dm("s1", bob, "cmid-1", fp);
    Ack first = send(a, frame);
    assertEquals(201, first.status());
    assertTrue(first.queued(), "bob is offline");
    Ack again = send(a, new SendFrame("s1-retry", frame.targetSpec(), frame.priority(), frame.nonce(),
        frame.ciphertext(), null, List.of(), null, "cmid-1", fp, "1", "dm", bob.pubkey()));
    assertEquals(200, again.status());
    assertTrue(again.duplicate());
    assertEquals("s1-retry", again.id());
    assertEquals(first.brokerMessageId(), again.brokerMessageId());
    assertEquals(first.historyId(), again.historyId());
    assertEquals(first.firstSeenAt(), again.firstSeenAt());
    assertTrue(again.historyAvailable());
  }

  @Test
  void reusedIdWithAnotherRequestIs409WithTheStoredPrefix() throws Exception {
    TestMember alice = join("alice");
    TestMember bob = join("bob");
    TestClient a = connect(alice);
    String fp = randomHex(32);
    assertEquals(201, send(a, dm("s1", bob, "cmid-1", fp)).status());
    Ack conflict = send(a, dm("s2", bob, "cmid-1", randomHex(32)));
    assertEquals(409, conflict.status());
    assertEquals("idempotency_key_reused", conflict.conflict());
    assertEquals("idempotency_key_reused", conflict.error().code());
    assertTrue(conflict.error().permanent());
    assertEquals(fp.substring(0, 16), conflict.brokerFingerprintPrefix());
    assertFalse(conflict.duplicate());
    assertTrue(broker.metricsText().contains("cm_broker_dedupe_fingerprint_mismatch_total 1.0"));
  }

  @Test
  void twoMembersUsingTheSameIdDoNotInterfere() throws Exception {
    TestMember alice = join("alice");
    TestMember bob = join("bob");
    TestMember carol = join("carol");
    TestClient a = connect(alice);
    TestClient b = connect(bob);
    Ack fromAlice = send(a, dm("s1", carol, "shared-id", randomHex(32)));
    Ack fromBob = send(b, dm("s1", carol, "shared-id", randomHex(32)));
    assertEquals(201, fromAlice.status());
    assertEquals(201, fromBob.status());
    assertNotEquals(fromAlice.brokerMessageId(), fromBob.brokerMessageId());
  }

  @Test
  void sendWithoutClientMessageIdIsAlwaysNew() throws Exception {
    TestMember alice = join("alice");
    TestMember bob = join("bob");
    TestClient a = connect(alice);
    SendFrame frame = dm("s1", bob, null, null);
    Ack first = send(a, frame);
    Ack second = send(a, frame);
    assertEquals(201, first.status());
    assertEquals(201, second.status());
    assertNotEquals(first.brokerMessageId(), second.brokerMessageId());
    assertNull(first.clientMessageId());
  }

  @Test
  void originalPeerWithoutFingerprintIsDedupedOnItsEnvelope() throws Exception {
    TestMember alice = join("alice");
    TestMember bob = join("bob");
    TestClient a = connect(alice);
    SendFrame frame = new SendFrame("s1", bob.pubkey(), "next", randomBase64(24),
        CapturedLogs.rememberSecret(randomBase64(30)), null, List.of(), null, "orig-1", null, null, null, null);
    Ack first = send(a, frame);
    assertEquals(201, first.status());
    Ack same = send(a, frame);
    assertEquals(200, same.status());
    assertEquals(first.brokerMessageId(), same.brokerMessageId());
    SendFrame changed = new SendFrame("s2", bob.pubkey(), "next", frame.nonce(), randomBase64(30), null, List.of(),
        null, "orig-1", null, null, null, null);
    assertEquals(409, send(a, changed).status());
  }

  @Test
  void topicDeletedBetweenB1AndB2LeavesNoDedupeRow() throws Exception {
    TestMember alice = join("alice");
    TestClient a = connect(alice);
    a.send(Request.topic(Request.TOPIC_CREATE, "t1", "news"));
    a.expect(Ok.class);
    broker.betweenB1AndB2((member, send) -> {
      try {
        broker.deleteTopic(mesh.slug(), "news");
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    String fp = randomHex(32);
    Ack ack = send(a, post("p1", "news", "post-1", fp));
    assertEquals(404, ack.status());
    assertEquals("topic_not_found", ack.error().code());
    assertTrue(ack.error().permanent());
    assertEquals(0, dedupeRows("post-1"), "a 4xx never leaves a dedupe row");
    broker.betweenB1AndB2(null);
    a.send(Request.topic(Request.TOPIC_CREATE, "t2", "news"));
    a.expect(Ok.class);
    Ack retry = send(a, post("p2", "news", "post-1", fp));
    assertEquals(201, retry.status(), "the id was not consumed by the failed accept");
  }

  @Test
  void retryOfACommittedIdIsADuplicateEvenWhenTheBudgetIsGone() throws Exception {
    TestMember alice = join("alice");
    TestMember bob = join("bob");
    TestClient a = connect(alice);
    String fp = randomHex(32);
    SendFrame committed = dm("s0", bob, "kept", fp);
    assertEquals(201, send(a, committed).status());
    for (int i = 1; i < RATE; i++) {
      assertEquals(201, send(a, dm("s" + i, bob, "id-" + i, randomHex(32))).status());
    }
    Ack limited = send(a, dm("over", bob, "id-over", randomHex(32)));
    assertEquals(429, limited.status());
    assertEquals("rate_limited", limited.error().code());
    assertFalse(limited.error().permanent(), "429 is never permanent");
    assertTrue(broker.metricsText().contains("cm_broker_rate_limit_rejection_total 1.0"));

    Ack dup = send(a, new SendFrame("s0-retry", committed.targetSpec(), "next", committed.nonce(),
        committed.ciphertext(), null, List.of(), null, "kept", fp, "1", "dm", bob.pubkey()));
    assertEquals(200, dup.status());
    assertTrue(dup.duplicate());
    assertTrue(broker.metricsText().contains("cm_broker_rate_limit_rejection_total 1.0"), "B0 costs no budget");

    clock.advance(Duration.ofMinutes(1));
    assertEquals(201, send(a, dm("next-window", bob, "id-next", randomHex(32))).status());
  }

  @Test
  void oversizePayloadIs413Permanent() throws Exception {
    TestMember alice = join("alice");
    TestMember bob = join("bob");
    TestClient a = connect(alice);
    SendFrame big = new SendFrame("big", bob.pubkey(), "next", randomBase64(24),
        CapturedLogs.rememberSecret(randomBase64(2049)), null, List.of(), null, "big-1", randomHex(32), "1", "dm",
        bob.pubkey());
    Ack ack = send(a, big);
    assertEquals(413, ack.status());
    assertEquals("payload_too_large", ack.error().code());
    assertTrue(ack.error().permanent());
    assertEquals(0, dedupeRows("big-1"));
  }

  @Test
  void unknownRecipientIs404Permanent() throws Exception {
    TestMember alice = join("alice");
    TestClient a = connect(alice);
    TestMember ghost = new TestMember(newKey(), "mem_ghost", alice.meshId(), "ghost");
    Ack ack = send(a, dm("s1", ghost, "to-ghost", randomHex(32)));
    assertEquals(404, ack.status());
    assertEquals("recipient_not_found", ack.error().code());
    assertTrue(ack.error().permanent());
    assertEquals(0, dedupeRows("to-ghost"));
  }

  @Test
  void pipelinedSendsOfTheSameIdCollapseToOneMessage() throws Exception {
    TestMember alice = join("alice");
    TestMember bob = join("bob");
    TestClient a = connect(alice);
    String fp = randomHex(32);
    SendFrame frame = dm("p", bob, "racy", fp);
    for (int i = 0; i < 2; i++) {
      a.send(new SendFrame("p" + i, frame.targetSpec(), "next", frame.nonce(), frame.ciphertext(), null, List.of(),
          null, "racy", fp, "1", "dm", bob.pubkey()));
    }
    Ack x = a.expect(Ack.class, k -> k.id().equals("p0"));
    Ack y = a.expect(Ack.class, k -> k.id().equals("p1"));
    assertEquals(x.brokerMessageId(), y.brokerMessageId());
    assertEquals(1, dedupeRows("racy"));
    assertEquals(1, broker.openDeliveries(bob.memberId()));
  }

  /** Dedupe rows for an id, read straight from the SQLite file. */
  long dedupeRows(String clientMessageId) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("broker.db"));
        PreparedStatement p = c.prepareStatement("SELECT count(*) FROM client_message_dedupe WHERE client_message_id = ?")) {
      p.setString(1, clientMessageId);
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
