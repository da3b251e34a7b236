package dev.claudemesh.core.store;

import static dev.claudemesh.core.store.InboxTest.T0;
import static dev.claudemesh.core.store.InboxTest.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.Function;

/**
 * A million-row inbox: every page shape reads about one page of index entries, wherever the
 * cursor is. Counts rows visited (a SQL function in the WHERE clause runs once per row the index
 * walk reaches), never wall-clock time.
 */
class InboxScaleTest {
  private static final int ROWS = 1_000_000;
  private static final int SENDERS = 50;
  private static final int TOPICS = 20;

  @TempDir Path dir;

  @Test
  void pagesStayIndexedAtAMillionRows() throws Exception {
    try (Inbox inbox = Inbox.builder(dir).open()) {
      for (int start = 0; start < ROWS; start += 20_000) {
        List<InboxMessage> rows = new ArrayList<>(20_000);
        for (int n = start; n < start + 20_000; n++) {
          rows.add(message("s" + (n % SENDERS), "m" + n, T0.plusMillis(n)).topic("t" + (n % TOPICS)).body("x").build());
        }
        assertEquals(20_000, inbox.insertBulk(rows));
      }

      InboxPage first = inbox.query(InboxQuery.newest());
      assertEquals("m999999", first.messages().get(0).clientMessageId());
      InboxPage second = inbox.query(InboxQuery.newest().cursor(first.nextCursor().orElseThrow()));
      assertEquals("m999949", second.messages().get(0).clientMessageId());
      assertEquals("m999987", inbox.query(InboxQuery.newest().topic("t7")).messages().get(0).clientMessageId());
      assertEquals("m999998", inbox.query(InboxQuery.newest().from("s48-pub")).messages().get(0).clientMessageId());
      InboxPage both = inbox.query(InboxQuery.newest().topic("t3").from("s13-pub"));
      assertEquals("m999963", both.messages().get(0).clientMessageId());
      assertEquals(50, both.messages().size());

      String deep = new InboxQuery.Cursor(T0.plusMillis(400_000).toEpochMilli(), "~").encode(); // mid-table
      InboxQuery[] shapes = {
          InboxQuery.newest(), InboxQuery.newest().topic("t7"), InboxQuery.newest().from("s3-pub"),
          InboxQuery.newest().since(T0.plusMillis(10)), InboxQuery.newest().cursor(deep),
          InboxQuery.newest().topic("t7").cursor(deep), InboxQuery.newest().from("s3-pub").cursor(deep),
          InboxQuery.newest().topic("t7").since(T0).cursor(deep), InboxQuery.newest().limit(500).cursor(deep)};
      try (Connection probe = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("inbox.db"))) {
        try (Statement s = probe.createStatement()) {
          s.execute("PRAGMA query_only=1");
        }
        AtomicLong visited = new AtomicLong();
        Function.create(probe, "visit", new Function() {
          @Override
          protected void xFunc() throws SQLException {
            visited.incrementAndGet();
            result(1);
          }
        });
        for (InboxQuery shape : shapes) {
          visited.set(0);
          int returned = 0;
          try (PreparedStatement page = Inbox.PageSelect.of(shape).prepare(probe, "SELECT id", "visit(id)");
              ResultSet rs = page.executeQuery()) {
            while (rs.next()) {
              returned++;
            }
          }
          assertEquals(shape.limit() + 1, returned, shape.toString());
          assertEquals(shape.limit() + 1, visited.get(), shape + " visited more rows than it returned");
          String plan = inbox.explain(shape);
          assertTrue(plan.contains("USING INDEX") && !plan.contains("TEMP B-TREE"), shape + ": " + plan);
        }
      }
    }
  }
}
