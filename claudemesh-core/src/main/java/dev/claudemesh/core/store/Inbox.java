package dev.claudemesh.core.store;

import dev.claudemesh.core.internal.SecureFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbox ({@code inbox.db}, SPEC §5): every received message lands here once, deduplicated by
 * {@code (mesh, sender_member_id, client_message_id)} (ids are scoped to their sender, SPEC §4.1),
 * before any event or hook sees it. Keyset-paged newest first, pruned after the retention period
 * (hourly), vacuumed weekly. The inbox is a cache: a corrupt file is quarantined and replaced.
 *
 * <p>Thread-safe; writes are group-committed and durable when a method returns.
 */
public final class Inbox implements AutoCloseable {
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);
  static final Duration PRUNE_EVERY = Duration.ofHours(1);
  static final Duration VACUUM_EVERY = Duration.ofDays(7);
  static final int PRUNE_BATCH = 10_000;

  private static final Logger log = LoggerFactory.getLogger(Inbox.class);
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final String COLUMNS = "id, client_message_id, mesh, sender_member_id, broker_message_id, topic,"
      + " sender_pubkey, sender_name, body, meta, priority, received_at, reply_to_id";

  private final SqliteFile db;
  private final Clock clock;
  private final Duration retention;
  private final AtomicLong newCount = new AtomicLong();
  private final AtomicLong duplicateCount = new AtomicLong();
  private @Nullable ScheduledExecutorService maintenance;

  private Inbox(SqliteFile db, Builder builder) {
    this.db = db;
    this.clock = builder.clock;
    this.retention = builder.retention;
  }

  public static Builder builder(Path dir) {
    return new Builder(dir);
  }

  /** The result of {@link #insertIfNew}: whether a row was added, and the stored message. */
  public static final class InsertResult {
    private final boolean inserted;
    private final InboxMessage message;

    InsertResult(boolean inserted, InboxMessage message) {
      this.inserted = inserted;
      this.message = message;
    }

    /** True only for a new row: only then may a {@code message} event or hook fire. */
    public boolean inserted() {
      return inserted;
    }

    public InboxMessage message() {
      return message;
    }

    @Override
    public String toString() {
      return (inserted ? "new " : "duplicate ") + message;
    }
  }

  /** Inserts unless the same sender already delivered this id; durable on return. */
  public InsertResult insertIfNew(InboxMessage message) throws IOException {
    Objects.requireNonNull(message, "message == null");
    String id = ClientMessageIds.mint();
    InsertResult result = db.write(c -> {
      PreparedStatement insert = db.cached(c, "INSERT INTO inbox (" + COLUMNS + ")"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(mesh, sender_member_id, client_message_id) DO NOTHING");
      insert.setString(1, id);
      insert.setString(2, message.clientMessageId());
      insert.setString(3, message.mesh());
      insert.setString(4, message.senderMemberId());
      insert.setString(5, message.brokerMessageId().orElse(null));
      insert.setString(6, message.topic().orElse(null));
      insert.setString(7, message.senderPubkey());
      insert.setString(8, message.senderName());
      insert.setString(9, message.body().orElse(null));
      insert.setString(10, message.meta().orElse(null));
      insert.setString(11, message.priority().orElse(null));
      insert.setLong(12, message.receivedAt().toEpochMilli());
      insert.setString(13, message.replyToId().orElse(null));
      if (insert.executeUpdate() == 1) {
        return new InsertResult(true, message.withId(id));
      }
      PreparedStatement select = db.cached(c, "SELECT " + COLUMNS + " FROM inbox"
          + " WHERE mesh = ? AND sender_member_id = ? AND client_message_id = ?");
      select.setString(1, message.mesh());
      select.setString(2, message.senderMemberId());
      select.setString(3, message.clientMessageId());
      try (ResultSet rs = select.executeQuery()) {
        rs.next();
        return new InsertResult(false, row(rs));
      }
    });
    (result.inserted() ? newCount : duplicateCount).incrementAndGet();
    return result;
  }

  /** One page, newest first, using the (filter, received_at, id) indexes: O(limit) per page. */
  public InboxPage query(InboxQuery query) throws IOException {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM inbox");
    List<Object> args = new ArrayList<>();
    List<String> where = new ArrayList<>();
    query.topic().ifPresent(t -> {
      where.add("topic = ?");
      args.add(t);
    });
    query.from().ifPresent(f -> {
      where.add("sender_pubkey = ?");
      args.add(f);
    });
    query.since().ifPresent(s -> {
      where.add("received_at >= ?");
      args.add(s.toEpochMilli());
    });
    query.cursor().ifPresent(c -> {
      where.add("(received_at < ? OR (received_at = ? AND id < ?))");
      args.add(c.receivedAt);
      args.add(c.receivedAt);
      args.add(c.id);
    });
    if (!where.isEmpty()) {
      sql.append(" WHERE ").append(String.join(" AND ", where));
    }
    sql.append(" ORDER BY received_at DESC, id DESC LIMIT ?");
    args.add(query.limit() + 1);
    return db.read(c -> {
      List<InboxMessage> messages = new ArrayList<>();
      try (PreparedStatement select = c.prepareStatement(sql.toString())) {
        for (int i = 0; i < args.size(); i++) {
          select.setObject(i + 1, args.get(i));
        }
        try (ResultSet rs = select.executeQuery()) {
          while (rs.next()) {
            messages.add(row(rs));
          }
        }
      }
      String next = null;
      if (messages.size() > query.limit()) {
        messages.remove(messages.size() - 1);
        InboxMessage last = messages.get(messages.size() - 1);
        next = new InboxQuery.Cursor(last.receivedAt().toEpochMilli(), last.id().orElseThrow()).encode();
      }
      return new InboxPage(messages, next);
    });
  }

  /** The query plan SQLite picks for {@code query}, for tests that pin index use. */
  String explain(InboxQuery query) throws IOException {
    // Mirrors query(): the same WHERE and ORDER BY, prefixed with EXPLAIN QUERY PLAN.
    StringBuilder sql = new StringBuilder("EXPLAIN QUERY PLAN SELECT " + COLUMNS + " FROM inbox");
    List<String> where = new ArrayList<>();
    query.topic().ifPresent(t -> where.add("topic = 'x'"));
    query.from().ifPresent(f -> where.add("sender_pubkey = 'x'"));
    query.since().ifPresent(s -> where.add("received_at >= 0"));
    query.cursor().ifPresent(c -> where.add("(received_at < 1 OR (received_at = 1 AND id < 'x'))"));
    if (!where.isEmpty()) {
      sql.append(" WHERE ").append(String.join(" AND ", where));
    }
    sql.append(" ORDER BY received_at DESC, id DESC LIMIT 51");
    return db.read(c -> {
      StringBuilder plan = new StringBuilder();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql.toString())) {
        while (rs.next()) {
          plan.append(rs.getString(4)).append('\n');
        }
      }
      return plan.toString();
    });
  }

  /** Deletes messages older than the retention period, in batches; returns how many. */
  public int prune() throws IOException {
    long cutoff = clock.millis() - retention.toMillis();
    int total = 0;
    while (true) {
      int deleted = db.write(c -> {
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM inbox WHERE id IN"
            + " (SELECT id FROM inbox WHERE received_at < ? ORDER BY received_at LIMIT ?)")) {
          delete.setLong(1, cutoff);
          delete.setInt(2, PRUNE_BATCH);
          return delete.executeUpdate();
        }
      });
      total += deleted;
      if (deleted < PRUNE_BATCH) {
        break;
      }
    }
    recordRun("prune");
    if (total > 0) {
      log.info("inbox retention pruned {} message(s) older than {} days", total, retention.toDays());
    }
    return total;
  }

  /** Runs VACUUM now and records when. */
  public void vacuum() throws IOException {
    db.writeOutsideTransaction(c -> {
      try (Statement s = c.createStatement()) {
        s.execute("VACUUM");
      }
      return null;
    });
    recordRun("vacuum");
    log.info("inbox vacuumed");
  }

  /** Whether the last VACUUM (kept in the file, so across restarts) is at least 7 days old. */
  public boolean vacuumDue() throws IOException {
    Instant last = lastRun("vacuum");
    return last == null || !clock.instant().isBefore(last.plus(VACUUM_EVERY));
  }

  /** Prunes, and vacuums when due: what the hourly maintenance does. */
  public void maintain() throws IOException {
    prune();
    if (vacuumDue()) {
      vacuum();
    }
  }

  /** Starts hourly maintenance on a named daemon thread; {@link #close()} stops it. */
  public synchronized void startMaintenance() {
    if (maintenance != null) {
      return;
    }
    maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "claudemesh-inbox-maintenance");
      t.setDaemon(true);
      return t;
    });
    maintenance.scheduleWithFixedDelay(() -> {
      try {
        maintain();
      } catch (IOException | RuntimeException e) {
        log.warn("inbox maintenance failed: {}", e.toString());
      }
    }, 1, PRUNE_EVERY.toMinutes(), TimeUnit.MINUTES);
  }

  /** Rows added: {@code cm_daemon_recv_total}. */
  public long newCount() {
    return newCount.get();
  }

  /** Deliveries already stored: {@code cm_daemon_dedupe_total{direction="inbound"}}. */
  public long duplicateCount() {
    return duplicateCount.get();
  }

  private void recordRun(String name) throws IOException {
    long now = clock.millis();
    db.write(c -> {
      try (PreparedStatement upsert = c.prepareStatement("INSERT INTO inbox_maintenance (name, last_run_at)"
          + " VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET last_run_at = excluded.last_run_at")) {
        upsert.setString(1, name);
        upsert.setLong(2, now);
        return upsert.executeUpdate();
      }
    });
  }

  private @Nullable Instant lastRun(String name) throws IOException {
    return db.read(c -> {
      try (PreparedStatement select = c.prepareStatement("SELECT last_run_at FROM inbox_maintenance WHERE name = ?")) {
        select.setString(1, name);
        try (ResultSet rs = select.executeQuery()) {
          return rs.next() ? Instant.ofEpochMilli(rs.getLong(1)) : null;
        }
      }
    });
  }

  private static InboxMessage row(ResultSet rs) throws SQLException {
    return InboxMessage.builder().clientMessageId(rs.getString(2)).mesh(rs.getString(3))
        .senderMemberId(rs.getString(4)).brokerMessageId(rs.getString(5)).topic(rs.getString(6))
        .senderPubkey(rs.getString(7)).senderName(rs.getString(8)).body(rs.getString(9)).meta(rs.getString(10))
        .priority(rs.getString(11)).receivedAt(Instant.ofEpochMilli(rs.getLong(12))).replyToId(rs.getString(13))
        .build().withId(rs.getString(1));
  }

  /** Writes many rows in one transaction: for benchmarks and tests that need a large inbox fast. */
  int insertBulk(List<InboxMessage> messages) throws IOException {
    return db.write(c -> {
      int n = 0;
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO inbox (" + COLUMNS + ")"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
        for (InboxMessage m : messages) {
          insert.setString(1, ClientMessageIds.mint());
          insert.setString(2, m.clientMessageId());
          insert.setString(3, m.mesh());
          insert.setString(4, m.senderMemberId());
          insert.setString(5, m.brokerMessageId().orElse(null));
          insert.setString(6, m.topic().orElse(null));
          insert.setString(7, m.senderPubkey());
          insert.setString(8, m.senderName());
          insert.setString(9, m.body().orElse(null));
          insert.setString(10, m.meta().orElse(null));
          insert.setString(11, m.priority().orElse(null));
          insert.setLong(12, m.receivedAt().toEpochMilli());
          insert.setString(13, m.replyToId().orElse(null));
          n += insert.executeUpdate();
        }
      }
      return n;
    });
  }

  @Override
  public void close() {
    synchronized (this) {
      if (maintenance != null) {
        maintenance.shutdownNow();
        try {
          maintenance.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        maintenance = null;
      }
    }
    db.close();
  }

  @Override
  public String toString() {
    return "Inbox{" + db.file() + "}";
  }

  /** Opens an {@link Inbox}; defaults: system UTC clock, 30-day retention. */
  public static final class Builder {
    private final Path dir;
    private Clock clock = Clock.systemUTC();
    private Duration retention = DEFAULT_RETENTION;

    private Builder(Path dir) {
      this.dir = Objects.requireNonNull(dir, "dir == null");
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /** {@code [inbox] retention_days}. */
    public Builder retention(Duration retention) {
      if (retention.isNegative() || retention.isZero()) {
        throw new IllegalArgumentException("[inbox] retention_days must be positive, got " + retention.toDays());
      }
      this.retention = retention;
      return this;
    }

    /**
     * Opens {@code inbox.db} (created 0600). A file that fails its integrity check, or is not a
     * database, is moved to {@code inbox.db.corrupt-<ts>} (with its -wal and -shm) and a fresh
     * inbox is started; a newer schema refuses to open.
     */
    public Inbox open() throws IOException {
      StoreSchema.checkDirectory(dir.resolve("schema_version"));
      Path file = dir.resolve("inbox.db");
      SqliteFile db = openChecked(file);
      if (db == null) {
        Path moved = quarantine(file);
        log.error("inbox.db failed its integrity check; moved to {} and starting an empty inbox", moved.getFileName());
        db = SqliteFile.open(file, "inbox");
      }
      try {
        StoreSchema.migrate(db, StoreSchema.INBOX, "inbox.db");
        StoreSchema.recordDirectory(dir.resolve("schema_version"));
      } catch (IOException | RuntimeException e) {
        db.close();
        throw e;
      }
      return new Inbox(db, this);
    }

    private @Nullable SqliteFile openChecked(Path file) {
      SqliteFile db;
      try {
        db = SqliteFile.open(file, "inbox");
      } catch (IOException e) {
        return null;
      }
      String integrity;
      try {
        integrity = Outbox.integrityCheck(db);
      } catch (IOException e) {
        integrity = e.getMessage();
      }
      if ("ok".equals(integrity)) {
        return db;
      }
      db.close();
      return null;
    }

    private Path quarantine(Path file) throws IOException {
      String stamp = STAMP.format(clock.instant());
      Path target = file.resolveSibling(file.getFileName() + ".corrupt-" + stamp);
      for (int n = 1; Files.exists(target); n++) {
        target = file.resolveSibling(file.getFileName() + ".corrupt-" + stamp + "-" + n);
      }
      Files.move(file, target);
      for (String suffix : new String[] {"-wal", "-shm"}) {
        Path side = file.resolveSibling(file.getFileName() + suffix);
        if (Files.exists(side)) {
          Files.move(side, target.resolveSibling(target.getFileName() + suffix));
        }
      }
      SecureFiles.fsyncDirectory(file.toAbsolutePath().getParent());
      return target;
    }
  }
}
