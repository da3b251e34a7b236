package dev.claudemesh.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.core.CapturedLogs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inserting: per-sender dedupe, the broker-id fallback, counters, and what toString shows. */
class InboxTest {
  static final Instant T0 = Instant.parse("2026-11-22T09:00:00Z");

  @TempDir Path dir;

  /** A clock the test moves by hand. */
  static final class TestClock extends Clock {
    volatile Instant now = T0;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /** A topic-less (DM) message from member {@code sender}, whose pubkey is {@code sender-pub}. */
  static InboxMessage.Builder message(String sender, String clientMessageId, Instant receivedAt) {
    return InboxMessage.builder().mesh("mesh-1").senderMemberId(sender).clientMessageId(clientMessageId)
        .senderPubkey(sender + "-pub").senderName(sender).body("body of " + clientMessageId).receivedAt(receivedAt);
  }

  @Test
  void aRedeliveryFromTheSameSenderIsADuplicateAndTheFirstDeliveryWins() throws IOException {
    try (Inbox inbox = Inbox.builder(dir).open()) {
      Inbox.InsertResult first = inbox.insertIfNew(message("alice", "m-1", T0).topic("ops").meta("{\"k\":1}")
          .priority("now").replyToId("r-0").brokerMessageId("b-1").build());
      assertTrue(first.inserted());
      String id = first.message().id().orElseThrow();
      assertEquals(26, id.length(), "a ULID");

      Inbox.InsertResult again = inbox.insertIfNew(message("alice", "m-1", T0.plusSeconds(5)).body("redelivered").build());
      assertFalse(again.inserted());
      InboxMessage stored = again.message();
      assertEquals(Optional.of(id), stored.id());
      assertEquals(Optional.of("body of m-1"), stored.body());
      assertEquals(T0, stored.receivedAt());
      assertEquals(Optional.of("ops"), stored.topic());
      assertEquals(Optional.of("{\"k\":1}"), stored.meta());
      assertEquals(Optional.of("now"), stored.priority());
      assertEquals(Optional.of("r-0"), stored.replyToId());
      assertEquals(Optional.of("b-1"), stored.brokerMessageId());
      assertEquals("alice-pub", stored.senderPubkey());
      assertEquals(1, inbox.newCount());
      assertEquals(1, inbox.duplicateCount());
    }
  }

  @Test
  void idsAreScopedToTheSenderAndTheMesh() throws IOException {
    try (Inbox inbox = Inbox.builder(dir).open()) {
      assertTrue(inbox.insertIfNew(message("alice", "same-id", T0).build()).inserted());
      assertTrue(inbox.insertIfNew(message("bob", "same-id", T0).build()).inserted(),
          "bob cannot collide with, or pre-claim, alice's id");
      assertTrue(inbox.insertIfNew(message("alice", "same-id", T0).mesh("mesh-2").build()).inserted());
      assertFalse(inbox.insertIfNew(message("bob", "same-id", T0).build()).inserted());
      assertEquals(3, inbox.query(InboxQuery.newest()).messages().size());
      assertEquals(3, inbox.newCount());
      assertEquals(1, inbox.duplicateCount());
    }
  }

  @Test
  void aMessageWithoutAClientIdDedupesOnItsBrokerId() throws IOException {
    try (Inbox inbox = Inbox.builder(dir).open()) {
      InboxMessage legacy = message("carol", "ignored", T0).clientMessageId(null).brokerMessageId("b-9").build();
      assertEquals("b-9", legacy.clientMessageId());
      assertTrue(inbox.insertIfNew(legacy).inserted());
      assertFalse(inbox.insertIfNew(message("carol", "", T0).brokerMessageId("b-9").build()).inserted(),
          "an empty client_message_id counts as absent");
      assertTrue(inbox.insertIfNew(message("carol", "b-10", T0).brokerMessageId("b-9").build()).inserted(),
          "a present client_message_id is the key, not the broker id");
    }
  }

  @Test
  void aMessageWithNeitherIdIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> message("dave", "x", T0).clientMessageId(null).build());
    assertEquals("inbound message from dave in mesh-1 has neither a client_message_id nor a broker_message_id"
        + " to deduplicate on", e.getMessage());
    assertEquals("senderPubkey is required", assertThrows(IllegalStateException.class,
        () -> InboxMessage.builder().mesh("m").senderMemberId("s").clientMessageId("c").senderName("n")
            .receivedAt(T0).build()).getMessage());
    assertEquals("mesh == null", assertThrows(NullPointerException.class,
        () -> InboxMessage.builder().mesh(null)).getMessage());
  }

  @Test
  void concurrentDeliveriesOfOneMessageStoreOneRow() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try (Inbox inbox = Inbox.builder(dir).open()) {
      List<Future<Inbox.InsertResult>> results = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        String id = "m-" + (i % 8);
        results.add(pool.submit(() -> inbox.insertIfNew(message("alice", id, T0).build())));
      }
      int inserted = 0;
      for (Future<Inbox.InsertResult> result : results) {
        inserted += result.get().inserted() ? 1 : 0;
      }
      assertEquals(8, inserted);
      assertEquals(8, inbox.newCount());
      assertEquals(56, inbox.duplicateCount());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void toStringShowsNeitherBodyNorMeta() throws IOException {
    String body = CapturedLogs.rememberSecret("inbound secret text 7f3a");
    String meta = CapturedLogs.rememberSecret("{\"secret\":\"meta 91c2\"}");
    InboxMessage m = message("alice", "m-1", T0).body(body).meta(meta).topic("ops").build();
    try (Inbox inbox = Inbox.builder(dir).open()) {
      Inbox.InsertResult result = inbox.insertIfNew(m);
      for (String text : List.of(m.toString(), result.toString(), result.message().toString(),
          inbox.query(InboxQuery.newest()).toString())) {
        assertFalse(text.contains("7f3a") || text.contains("91c2") || text.contains("secret"), text);
      }
      assertTrue(result.toString().startsWith("new InboxMessage{id=" + result.message().id().orElseThrow()
          + ", mesh=mesh-1, senderMemberId=alice, clientMessageId=m-1, topic=ops"), result.toString());
    }
  }

  @Test
  void theSchemaVersionIsRecordedAndANewerOneRefusesToOpen() throws IOException {
    Inbox.builder(dir).open().close();
    assertEquals("1", Files.readString(dir.resolve("schema_version")).trim());
    Files.writeString(dir.resolve("schema_version"), "2\n");
    assertThrows(StoreSchema.SchemaTooNewException.class, () -> Inbox.builder(dir).open());
  }

  @Test
  void theBuilderRejectsANonPositiveRetention() {
    assertEquals("[inbox] retention_days must be positive, got PT0S", assertThrows(IllegalArgumentException.class,
        () -> Inbox.builder(dir).retention(java.time.Duration.ZERO)).getMessage());
  }
}
