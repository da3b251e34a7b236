package dev.claudemesh.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.core.fingerprint.DestinationKind;
import dev.claudemesh.core.fingerprint.FingerprintRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Databases written by every earlier schema version (kept as SQL under
 * {@code store-snapshots/vN/}) open under the current code, migrate forward and keep their rows.
 * Add a snapshot here whenever {@link StoreSchema#CURRENT} is raised.
 */
class StoreSchemaSnapshotTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "schema v{0}")
  @ValueSource(ints = {1})
  void anOlderDatabaseOpensAndKeepsItsRows(int version) throws Exception {
    restore(version, "outbox");
    restore(version, "inbox");
    try (Outbox outbox = Outbox.builder(dir).open()) {
      OutboxRow pending = outbox.find("snap-pending").orElseThrow();
      assertEquals(OutboxStatus.PENDING, pending.status());
      assertEquals("hello from v1", pending.request().body());
      assertEquals("b-1", outbox.find("snap-done").orElseThrow().brokerMessageId().orElseThrow());
      assertEquals(AcceptResult.Kind.DONE_MATCH, outbox.accept("snap-done", FingerprintRequest.builder()
          .destinationKind(DestinationKind.DM).destinationRef("ab".repeat(32)).priority(
              dev.claudemesh.core.fingerprint.Priority.NOW).replyToId("r-1")
          .meta(java.util.Map.of("k", 1)).body("a dm").build()).kind(), "the stored fingerprint still matches");
      assertEquals(AcceptResult.Kind.QUEUED, outbox.accept("after-upgrade", FingerprintRequest.builder()
          .destinationKind(DestinationKind.TOPIC).destinationRef("general").body("new").build()).kind());
    }
    try (Inbox inbox = Inbox.builder(dir).open()) {
      InboxPage page = inbox.query(InboxQuery.newest());
      assertEquals(1, page.messages().size());
      assertEquals("hello", page.messages().get(0).body().orElseThrow());
      assertTrue(inbox.insertIfNew(InboxMessage.builder().mesh("mesh-1").senderMemberId("member-a").clientMessageId("m-2")
          .senderPubkey("pub-a").senderName("alice").body("later").receivedAt(java.time.Instant.now()).build()).inserted());
    }
  }

  private void restore(int version, String name) throws IOException, java.sql.SQLException {
    String sql;
    try (InputStream in = getClass().getResourceAsStream("/store-snapshots/v" + version + "/" + name + ".sql")) {
      sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(name + ".db"));
        Statement s = c.createStatement()) {
      for (String statement : sql.split(";\n")) {
        String trimmed = statement.lines().filter(l -> !l.startsWith("--")).reduce("", (a, b) -> a + "\n" + b).trim();
        if (!trimmed.isEmpty()) {
          s.execute(trimmed);
        }
      }
    }
  }
}
