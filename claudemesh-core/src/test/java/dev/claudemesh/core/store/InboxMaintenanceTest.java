package dev.claudemesh.core.store;

import static dev.claudemesh.core.store.InboxTest.T0;
import static dev.claudemesh.core.store.InboxTest.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.core.internal.SqliteFile;
import dev.claudemesh.core.store.InboxTest.TestClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention pruning, the weekly VACUUM and its schedule, and the writer's non-transactional tasks. */
class InboxMaintenanceTest {
  @TempDir Path dir;

  @Test
  void pruneDeletesOnlyMessagesOlderThanTheRetentionInBatches() throws IOException {
    TestClock clock = new TestClock();
    try (Inbox inbox = Inbox.builder(dir).clock(clock).retention(Duration.ofDays(30)).open()) {
      List<InboxMessage> old = new ArrayList<>();
      for (int i = 0; i < 2 * Inbox.PRUNE_BATCH + 5; i++) { // three batches
        old.add(message("s" + (i % 3), "old" + i, T0.minus(Duration.ofDays(31)).plusMillis(i)).build());
      }
      inbox.insertBulk(old);
      Duration retention = Duration.ofDays(30);
      inbox.insertIfNew(message("a", "just-expired", T0.minus(retention).minusMillis(1)).build());
      inbox.insertIfNew(message("a", "exactly-at-cutoff", T0.minus(retention)).build());
      inbox.insertIfNew(message("a", "recent", T0.minus(Duration.ofDays(29))).build());

      assertEquals(2 * Inbox.PRUNE_BATCH + 6, inbox.prune());
      assertEquals(List.of("recent", "exactly-at-cutoff"), clientIds(inbox));
      assertEquals(0, inbox.prune(), "nothing more to do");

      clock.now = T0.plus(Duration.ofDays(1));
      assertEquals(1, inbox.prune());
      assertEquals(List.of("recent"), clientIds(inbox));
    }
  }

  @Test
  void aShorterRetentionPrunesSooner() throws IOException {
    TestClock clock = new TestClock();
    try (Inbox inbox = Inbox.builder(dir).clock(clock).retention(Duration.ofHours(2)).open()) {
      inbox.insertIfNew(message("a", "three-hours", T0.minus(Duration.ofHours(3))).build());
      inbox.insertIfNew(message("a", "one-hour", T0.minus(Duration.ofHours(1))).build());
      assertEquals(1, inbox.prune());
      assertEquals(List.of("one-hour"), clientIds(inbox));
    }
  }

  @Test
  void vacuumIsDueWeeklyAndItsLastRunSurvivesARestart() throws IOException {
    TestClock clock = new TestClock();
    try (Inbox inbox = Inbox.builder(dir).clock(clock).open()) {
      assertTrue(inbox.vacuumDue(), "never vacuumed");
      inbox.maintain();
      assertFalse(inbox.vacuumDue());
      clock.now = T0.plus(Duration.ofDays(7)).minusMillis(1);
      assertFalse(inbox.vacuumDue());
    }
    TestClock restarted = new TestClock();
    restarted.now = T0.plus(Duration.ofDays(6));
    try (Inbox inbox = Inbox.builder(dir).clock(restarted).open()) {
      assertFalse(inbox.vacuumDue(), "the last run was read back from inbox.db");
      restarted.now = T0.plus(Duration.ofDays(7));
      assertTrue(inbox.vacuumDue());
      inbox.maintain();
      assertFalse(inbox.vacuumDue());
      restarted.now = T0.plus(Duration.ofDays(13));
      assertFalse(inbox.vacuumDue());
    }
  }

  @Test
  void vacuumGivesPrunedSpaceBack() throws IOException {
    TestClock clock = new TestClock();
    try (Inbox inbox = Inbox.builder(dir).clock(clock).open()) {
      List<InboxMessage> rows = new ArrayList<>();
      for (int i = 0; i < 20_000; i++) {
        rows.add(message("s", "m" + i, T0.minus(Duration.ofDays(40))).body("x".repeat(400)).build());
      }
      inbox.insertBulk(rows);
      assertEquals(20_000, inbox.prune());
    }
    long pruned = Files.size(dir.resolve("inbox.db")); // pages freed but still in the file
    try (Inbox inbox = Inbox.builder(dir).clock(clock).open()) {
      inbox.vacuum();
    }
    long vacuumed = Files.size(dir.resolve("inbox.db"));
    assertTrue(vacuumed * 10 < pruned, "before " + pruned + " bytes, after " + vacuumed);
  }

  @Test
  void startMaintenanceRunsOnANamedThreadThatCloseStops() throws Exception {
    TestClock clock = new TestClock();
    Inbox inbox = Inbox.builder(dir).clock(clock).open();
    try {
      inbox.insertIfNew(message("a", "stale", T0.minus(Duration.ofDays(31))).build());
      inbox.startMaintenance(Duration.ZERO);
      inbox.startMaintenance(Duration.ZERO); // a second call is ignored
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while ((!inbox.query(InboxQuery.newest()).messages().isEmpty() || inbox.vacuumDue())
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(List.of(), clientIds(inbox), "pruned by the maintenance thread");
      assertFalse(inbox.vacuumDue(), "and vacuumed, since it never had been");
      assertEquals(1, maintenanceThreads());
    } finally {
      inbox.close();
    }
    assertEquals(0, maintenanceThreads());
    assertEquals("inbox is closed", assertThrows(IllegalStateException.class, inbox::startMaintenance).getMessage());
  }

  // ---------------------------------------------------------------- SqliteFile.writeOutsideTransaction

  @Test
  void vacuumCannotRunInAWriteTransactionButRunsOutsideOne() throws IOException {
    try (SqliteFile db = SqliteFile.open(dir.resolve("t.db"), "test")) {
      IOException inside = assertThrows(IOException.class, () -> db.write(c -> execute(c, "VACUUM")));
      assertTrue(inside.getMessage().contains("cannot VACUUM from within a transaction"), inside.getMessage());

      db.write(c -> execute(c, "CREATE TABLE t (v INTEGER)"));
      long commits = db.commits();
      db.writeOutsideTransaction(c -> execute(c, "VACUUM"));
      assertEquals(commits, db.commits(), "not a group commit");

      IOException failed = assertThrows(IOException.class, () -> db.writeOutsideTransaction(c -> {
        throw new SQLException("boom");
      }));
      assertEquals("test: boom", failed.getMessage());
      assertThrows(IllegalStateException.class, () -> db.writeOutsideTransaction(c -> {
        throw new IllegalStateException("unchecked");
      }));
      db.write(c -> execute(c, "INSERT INTO t VALUES (1)"));
      assertEquals(1L, (long) db.writeOutsideTransaction(c -> count(c, "t")), "sees what was committed before it");
    }
  }

  @Test
  void nonTransactionalTasksInterleaveWithGroupCommitsWithoutLosingAWrite() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(9);
    try (SqliteFile db = SqliteFile.open(dir.resolve("t.db"), "test")) {
      db.write(c -> execute(c, "CREATE TABLE t (v INTEGER)"));
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          for (int i = 0; i < 200; i++) {
            int v = thread * 1000 + i;
            db.write(c -> execute(c, "INSERT INTO t VALUES (" + v + ")"));
          }
          return null;
        }));
      }
      futures.add(pool.submit(() -> {
        for (int i = 0; i < 20; i++) {
          db.writeOutsideTransaction(c -> execute(c, "VACUUM"));
        }
        return null;
      }));
      for (Future<?> future : futures) {
        future.get();
      }
      assertEquals(1600L, (long) db.read(c -> count(c, "t")));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aClosedFileRefusesNonTransactionalTasks() throws IOException {
    SqliteFile db = SqliteFile.open(dir.resolve("t.db"), "test");
    db.close();
    assertEquals("test is closed",
        assertThrows(IOException.class, () -> db.writeOutsideTransaction(c -> execute(c, "VACUUM"))).getMessage());
  }

  private static Integer execute(java.sql.Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
      return 0;
    }
  }

  private static Long count(java.sql.Connection c, String table) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static long maintenanceThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals(Inbox.MAINTENANCE_THREAD) && t.isAlive()).count();
  }

  private static List<String> clientIds(Inbox inbox) throws IOException {
    return inbox.query(InboxQuery.newest().limit(500)).messages().stream()
        .map(InboxMessage::clientMessageId).collect(Collectors.toList());
  }
}
