package dev.claudemesh.core.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.core.CapturedLogs;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InboxTest {
  private static final Instant T0 = Instant.parse("2026-11-22T09:00:00Z");

  @TempDir Path dir;

  static final class TestClock extends Clock {
    Instant now = T0;

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

  static InboxMessage.Builder message(String sender, String id, Instant at) {
    return InboxMessage.builder().mesh("mesh-1").senderMemberId(sender).clientMessageId(id)
        .senderPubkey(sender + "-pub").senderName(sender).body("body of " + id).receivedAt(at);
  }

  @Test
  void insertsOncePerSenderAndId() throws IOException {
    try (Inbox inbox = Inbox.builder(dir).open()) {
      Inbox.InsertResult first = inbox.insertIfNew(message("alice", "m-1", T0).build());
      assertTrue(first.inserted());
      assertEquals(26, first.message().id().orElseThrow().length());
      Inbox.InsertResult again = inbox.insertIfNew(message("alice", "m-1", T0.plusSeconds(5)).body("redelivered").build());
      assertFalse(again.inserted());
      assertEquals(first.message().id(), again.message().id());
      assertEquals("body of m-1", again.message().body().orElseThrow(), "the first delivery wins");
      assertTrue(inbox.insertIfNew(message("bob", "m-1", T0).build()).inserted(), "ids are scoped to their sender");
      assertEquals(2, inbox.newCount());
      assertEquals(1, inbox.duplicateCount());
    }
  }

  @Test
  void aMessageWithoutClientIdDedupesOnTheBrokerId() throws IOException {
    try (Inbox inbox = Inbox.builder(dir).open()) {
      InboxMessage legacy = message("carol", null, T0).clientMessageId(null).brokerMessageId("b-9").build();
      assertEquals("b-9", legacy.clientMessageId());
      assertTrue(inbox.insertIfNew(legacy).inserted());
      assertFalse(inbox.insertIfNew(legacy).inserted());
    }
    assertEquals("a message needs a client_message_id or a broker_message_id",
        assertThrows(IllegalStateException.class, () -> message("x", null, T0).build()).getMessage());
  }

  @Test
  void pagesMatchABruteForceScanForEveryFilter() throws IOException {
    Random random = new Random(7);
    List<InboxMessage> all = new ArrayList<>();
    try (Inbox inbox = Inbox.builder(dir).open()) {
      for (int i = 0; i < 1000; i++) {
        String sender = "s" + random.nextInt(4);
        InboxMessage m = message(sender, "id-" + i, T0.plusSeconds(random.nextInt(300)))
            .topic(random.nextInt(3) == 0 ? null : "t" + random.nextInt(3)).build();
        all.add(inbox.insertIfNew(m).message());
      }
      Comparator<InboxMessage> newestFirst = Comparator.comparing(InboxMessage::receivedAt)
          .thenComparing(m -> m.id().orElseThrow()).reversed();
      Instant since = T0.plusSeconds(100);
      List<Object[]> cases = List.of(
          new Object[] {InboxQuery.newest(), (Predicate<InboxMessage>) m -> true},
          new Object[] {InboxQuery.newest().topic("t1"), (Predicate<InboxMessage>) m -> m.topic().equals(java.util.Optional.of("t1"))},
          new Object[] {InboxQuery.newest().from("s2-pub"), (Predicate<InboxMessage>) m -> m.senderPubkey().equals("s2-pub")},
          new Object[] {InboxQuery.newest().since(since), (Predicate<InboxMessage>) m -> !m.receivedAt().isBefore(since)},
          new Object[] {InboxQuery.newest().topic("t2").from("s0-pub").since(since),
              (Predicate<InboxMessage>) m -> m.topic().equals(java.util.Optional.of("t2"))
                  && m.senderPubkey().equals("s0-pub") && !m.receivedAt().isBefore(since)});
      for (Object[] c : cases) {
        InboxQuery query = (InboxQuery) c[0];
        @SuppressWarnings("unchecked")
        Predicate<InboxMessage> filter = (Predicate<InboxMessage>) c[1];
        List<String> expected = all.stream().filter(filter).sorted(newestFirst)
            .map(m -> m.id().orElseThrow()).collect(Collectors.toList());
        List<String> actual = new ArrayList<>();
        query.limit(37);
        while (true) {
          InboxPage page = inbox.query(query);
          page.messages().forEach(m -> actual.add(m.id().orElseThrow()));
          if (page.nextCursor().isEmpty()) {
            break;
          }
          assertEquals(37, page.messages().size());
          query.cursor(page.nextCursor().get());
        }
        assertEquals(expected, actual);
      }
    }
  }

  @Test
  void everyQueryShapeWalksAnIndexWithoutSorting() throws IOException {
    try (Inbox inbox = Inbox.builder(dir).open()) {
      String cursor = new InboxQuery.Cursor(1, "x").encode();
      for (InboxQuery query : List.of(InboxQuery.newest(), InboxQuery.newest().topic("t"),
          InboxQuery.newest().from("p"), InboxQuery.newest().since(T0), InboxQuery.newest().cursor(cursor),
          InboxQuery.newest().topic("t").cursor(cursor))) {
        String plan = inbox.explain(query);
        assertTrue(plan.contains("USING INDEX") || plan.contains("USING COVERING INDEX"), plan);
        assertFalse(plan.contains("TEMP B-TREE"), plan);
      }
    }
  }

  @Test
  void aMalformedCursorIsRefused() {
    assertEquals("cursor is not one this inbox returned",
        assertThrows(IllegalArgumentException.class, () -> InboxQuery.newest().cursor("%%%")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> InboxQuery.newest().cursor("djE6YWJjOg"));
    assertEquals(500, InboxQuery.newest().limit(10_000).limit());
    assertEquals(1, InboxQuery.newest().limit(0).limit());
  }

  @Test
  void retentionPrunesOldMessagesAndVacuumRunsWeekly() throws IOException {
    TestClock clock = new TestClock();
    try (Inbox inbox = Inbox.builder(dir).clock(clock).retention(Duration.ofDays(30)).open()) {
      inbox.insertIfNew(message("a", "old", T0.minus(Duration.ofDays(31))).build());
      inbox.insertIfNew(message("a", "new", T0.minus(Duration.ofDays(29))).build());
      assertTrue(inbox.vacuumDue());
      inbox.maintain();
      assertEquals(List.of("new"), ids(inbox.query(InboxQuery.newest()).messages()));
      assertFalse(inbox.vacuumDue());
      clock.now = T0.plus(Duration.ofDays(6));
      assertFalse(inbox.vacuumDue());
    }
    TestClock later = new TestClock();
    later.now = T0.plus(Duration.ofDays(7));
    try (Inbox inbox = Inbox.builder(dir).clock(later).open()) {
      assertTrue(inbox.vacuumDue(), "the last vacuum time survives a restart");
      assertEquals(1, inbox.prune(), "the second message is now 36 days old");
    }
  }

  @Test
  void aGarbageInboxIsQuarantinedAndReplaced() throws IOException {
    Files.write(dir.resolve("inbox.db"), "this is not sqlite".repeat(300).getBytes(UTF_8));
    try (Inbox inbox = Inbox.builder(dir).open()) {
      assertTrue(inbox.insertIfNew(message("a", "1", T0).build()).inserted());
    }
    assertEquals(1, corruptFiles().size());
    assertFalse(CapturedLogs.linesContaining("inbox.db failed its integrity check; moved to inbox.db.corrupt-").isEmpty());
  }

  @Test
  void anInboxWithDamagedPagesIsQuarantinedAndReplaced() throws IOException {
    try (Inbox inbox = Inbox.builder(dir).open()) {
      List<InboxMessage> many = new ArrayList<>();
      for (int i = 0; i < 3000; i++) {
        many.add(message("s", "m" + i, T0.plusMillis(i)).topic("t" + (i % 7)).build());
      }
      inbox.insertBulk(many);
    }
    try (RandomAccessFile file = new RandomAccessFile(dir.resolve("inbox.db").toFile(), "rw")) {
      for (long page = 2; page * 4096 < file.length(); page += 2) {
        file.seek(page * 4096 + 8);
        file.write(new byte[64]);
      }
    }
    try (Inbox inbox = Inbox.builder(dir).open()) {
      assertEquals(0, inbox.query(InboxQuery.newest()).messages().size(), "a fresh, empty inbox");
    }
    assertEquals(1, corruptFiles().size());
  }

  @Test
  void filesAreCreatedPrivate() throws IOException {
    try (Inbox inbox = Inbox.builder(dir).open()) {
      inbox.insertIfNew(message("a", "1", T0).build());
      for (String name : List.of("inbox.db", "inbox.db-wal", "inbox.db-shm")) {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(name))), name);
      }
    }
  }

  @Test
  void toStringHidesTheBody() {
    InboxMessage m = message("a", "1", T0).body(CapturedLogs.rememberSecret("inbound secret text")).build();
    assertFalse(m.toString().contains("secret"));
  }

  @Test
  void pagingStaysIndexedAtAMillionRows() throws IOException {
    try (Inbox inbox = Inbox.builder(dir).open()) {
      for (int batch = 0; batch < 100; batch++) {
        List<InboxMessage> rows = new ArrayList<>(10_000);
        for (int i = 0; i < 10_000; i++) {
          int n = batch * 10_000 + i;
          rows.add(message("s" + (n % 50), "m" + n, T0.plusMillis(n)).topic("t" + (n % 20)).body("x").build());
        }
        assertEquals(10_000, inbox.insertBulk(rows));
      }
      InboxPage first = inbox.query(InboxQuery.newest().limit(50));
      assertEquals("m999999", first.messages().get(0).clientMessageId());
      InboxPage second = inbox.query(InboxQuery.newest().limit(50).cursor(first.nextCursor().orElseThrow()));
      assertEquals("m999949", second.messages().get(0).clientMessageId());
      InboxPage topic = inbox.query(InboxQuery.newest().topic("t7").limit(50));
      assertEquals("m999987", topic.messages().get(0).clientMessageId());
    }
  }

  private List<Path> corruptFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith("inbox.db.corrupt-")
          && !f.getFileName().toString().endsWith("-wal") && !f.getFileName().toString().endsWith("-shm"))
          .collect(Collectors.toList());
    }
  }

  private static List<String> ids(List<InboxMessage> messages) {
    return messages.stream().map(InboxMessage::clientMessageId).collect(Collectors.toList());
  }
}
