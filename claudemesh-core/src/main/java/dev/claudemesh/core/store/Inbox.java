package dev.claudemesh.core.store;

import dev.claudemesh.core.internal.SecureFiles;
import dev.claudemesh.core.internal.SqliteFile;
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
import java.util.concurrent.CompletableFuture;
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
 * <p>Thread-safe. Writes join a group commit on one writer thread and are durable when a method
 * returns; reads use a pool of connections that see committed rows. {@link #close()} stops the
 * maintenance thread and the writer.
 */
public final class Inbox implements AutoCloseable {
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);
  static final Duration PRUNE_EVERY = Duration.ofHours(1);
  static final Duration VACUUM_EVERY = Duration.ofDays(7);
  static final Duration FIRST_MAINTENANCE_AFTER = Duration.ofMinutes(1);
  static final int PRUNE_BATCH = 10_000;
  static final String MAINTENANCE_THREAD = "claudemesh-inbox-maintenance";

  private static final Logger log = LoggerFactory.getLogger(Inbox.class);
  private static final DateTimeFormatter QUARANTINE_STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final String COLUMNS = "id, client_message_id, mesh, sender_member_id, broker_message_id, topic,"
      + " sender_pubkey, sender_name, body, meta, priority, received_at, reply_to_id";
  private static final String INSERT = "INSERT INTO inbox (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
      + " ON CONFLICT(mesh, sender_member_id, client_message_id) DO NOTHING";
  private static final int SQLITE_CORRUPT = 11;
  private static final int SQLITE_NOTADB = 26;

  private final SqliteFile db;
  private final Clock clock;
  private final Duration retention;
  private final AtomicLong newCount = new AtomicLong();
  private final AtomicLong duplicateCount = new AtomicLong();
  private volatile boolean closed;
  private @Nullable ScheduledExecutorService maintenance; // guarded by this

  private Inbox(SqliteFile db, Builder builder) {
    this.db = db;
    this.clock = builder.clock;
    this.retention = builder.retention;
  }

  public static Builder builder(Path dir) {
    return new Builder(dir);
  }

  // ---------------------------------------------------------------- insert (SPEC §5)

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

    /** The stored row, with its id: the new one, or for a duplicate the first delivery. */
    public InboxMessage message() {
      return message;
    }

    @Override
    public String toString() {
      return (inserted ? "new " : "duplicate ") + message;
    }
  }

  /**
   * Stores {@code message} under a new ULID unless its sender already delivered the same id in
   * the same mesh; a duplicate changes nothing (the first delivery wins). Returns once the row is
   * durable, so the caller may then send {@code client_ack}.
   *
   * @throws IOException if the commit failed; then nothing was stored
   */
  public InsertResult insertIfNew(InboxMessage message) throws IOException {
    Objects.requireNonNull(message, "message == null");
    InsertResult result = db.write(insertTask(message));
    (result.inserted() ? newCount : duplicateCount).incrementAndGet();
    return result;
  }

  /**
   * {@link #insertIfNew} without waiting: the future completes once the row is durable, on the
   * store's writer thread and in submission order, or exceptionally with an {@link IOException}
   * when the commit failed (nothing stored). Callbacks must be short and must not block.
   */
  public CompletableFuture<InsertResult> insertIfNewAsync(InboxMessage message) {
    Objects.requireNonNull(message, "message == null");
    return db.writeAsync(insertTask(message)).thenApply(result -> {
      (result.inserted() ? newCount : duplicateCount).incrementAndGet();
      return result;
    });
  }

  private SqliteFile.WriteTask<InsertResult> insertTask(InboxMessage message) {
    String id = ClientMessageIds.mint();
    return c -> {
      PreparedStatement insert = db.cached(c, INSERT);
      bind(insert, id, message);
      if (insert.executeUpdate() == 1) {
        return new InsertResult(true, message.withId(id));
      }
      PreparedStatement select = db.cached(c, "SELECT " + COLUMNS + " FROM inbox"
          + " WHERE mesh = ? AND sender_member_id = ? AND client_message_id = ?");
      select.setString(1, message.mesh());
      select.setString(2, message.senderMemberId());
      select.setString(3, message.clientMessageId());
      try (ResultSet rs = select.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("inbox insert of " + message + " conflicted, but no row holds its key");
        }
        return new InsertResult(false, row(rs));
      }
    };
  }

  /** Many rows in one transaction, for tests that need a large inbox fast; returns how many were new. */
  int insertBulk(List<InboxMessage> messages) throws IOException {
    return db.write(c -> {
      int inserted = 0;
      try (PreparedStatement insert = c.prepareStatement(INSERT)) {
        for (InboxMessage message : messages) {
          bind(insert, ClientMessageIds.mint(), message);
          inserted += insert.executeUpdate();
        }
      }
      return inserted;
    });
  }

  private static void bind(PreparedStatement insert, String id, InboxMessage m) throws SQLException {
    insert.setString(1, id);
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
  }

  private static InboxMessage row(ResultSet rs) throws SQLException {
    return InboxMessage.builder().clientMessageId(rs.getString(2)).mesh(rs.getString(3))
        .senderMemberId(rs.getString(4)).brokerMessageId(rs.getString(5)).topic(rs.getString(6))
        .senderPubkey(rs.getString(7)).senderName(rs.getString(8)).body(rs.getString(9)).meta(rs.getString(10))
        .priority(rs.getString(11)).receivedAt(Instant.ofEpochMilli(rs.getLong(12))).replyToId(rs.getString(13))
        .build().withId(rs.getString(1));
  }

  /** New rows stored since open: {@code cm_daemon_recv_total}. */
  public long newCount() {
    return newCount.get();
  }

  /** Deliveries that were already stored: {@code cm_daemon_dedupe_total{direction="inbound"}}. */
  public long duplicateCount() {
    return duplicateCount.get();
  }

  // ---------------------------------------------------------------- paging

  /**
   * One page, newest first by (received_at, id). Each filter has an index that also yields that
   * order, and the cursor is a range bound on it, so a page reads about {@code limit} index
   * entries however deep it is ({@code topic} and {@code from} together use the sender's index
   * and filter the topic).
   */
  public InboxPage query(InboxQuery query) throws IOException {
    PageSelect select = PageSelect.of(query);
    int limit = query.limit();
    return db.read(c -> {
      List<InboxMessage> messages = new ArrayList<>();
      try (PreparedStatement statement = select.prepare(c, "SELECT " + COLUMNS, null)) {
        try (ResultSet rs = statement.executeQuery()) {
          while (rs.next()) {
            messages.add(row(rs));
          }
        }
      }
      String next = null;
      if (messages.size() > limit) { // one row more than a page was read: there is a next page
        messages.remove(messages.size() - 1);
        InboxMessage last = messages.get(messages.size() - 1);
        next = new InboxQuery.Cursor(last.receivedAt().toEpochMilli(), last.id().orElseThrow()).encode();
      }
      return new InboxPage(messages, next);
    });
  }

  /** {@code EXPLAIN QUERY PLAN} of the page query, one line per step, for tests that pin index use. */
  String explain(InboxQuery query) throws IOException {
    PageSelect select = PageSelect.of(query);
    return db.read(c -> {
      StringBuilder plan = new StringBuilder();
      try (PreparedStatement statement = select.prepare(c, "EXPLAIN QUERY PLAN SELECT " + COLUMNS, null);
          ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          plan.append(rs.getString(4)).append('\n');
        }
      }
      return plan.toString();
    });
  }

  /** The page statement for a query: one builder for {@link #query} and {@link #explain}. */
  static final class PageSelect {
    private final List<String> conditions = new ArrayList<>();
    private final List<Object> args = new ArrayList<>();
    private final int limit;

    private PageSelect(int limit) {
      this.limit = limit;
    }

    static PageSelect of(InboxQuery query) {
      PageSelect select = new PageSelect(query.limit());
      query.topic().ifPresent(topic -> select.where("topic = ?", topic));
      query.from().ifPresent(from -> select.where("sender_pubkey = ?", from));
      query.since().ifPresent(since -> select.where("received_at >= ?", since.toEpochMilli()));
      // a row value, not an OR of two comparisons, so SQLite seeks the index to the cursor
      query.cursor().ifPresent(cursor -> select.where("(received_at, id) < (?, ?)", cursor.receivedAt, cursor.id));
      return select;
    }

    private void where(String condition, Object... values) {
      conditions.add(condition);
      args.addAll(List.of(values));
    }

    /**
     * {@code head FROM inbox WHERE ... ORDER BY received_at DESC, id DESC LIMIT limit+1} with the
     * arguments bound; {@code extraCondition} (argument-free) is for tests that probe the scan.
     */
    PreparedStatement prepare(Connection c, String head, @Nullable String extraCondition) throws SQLException {
      List<String> all = new ArrayList<>(conditions);
      if (extraCondition != null) {
        all.add(extraCondition);
      }
      String sql = head + " FROM inbox" + (all.isEmpty() ? "" : " WHERE " + String.join(" AND ", all))
          + " ORDER BY received_at DESC, id DESC LIMIT " + (limit + 1);
      PreparedStatement statement = c.prepareStatement(sql);
      try {
        for (int i = 0; i < args.size(); i++) {
          statement.setObject(i + 1, args.get(i));
        }
      } catch (SQLException | RuntimeException e) {
        statement.close();
        throw e;
      }
      return statement;
    }
  }

  // ---------------------------------------------------------------- retention

  /**
   * Deletes messages received before now minus the retention period, {@value #PRUNE_BATCH} per
   * transaction so inserts are never held up for long; returns how many.
   */
  public int prune() throws IOException {
    long cutoff = clock.millis() - retention.toMillis();
    int total = 0;
    int deleted;
    do {
      deleted = db.write(c -> {
        PreparedStatement delete = db.cached(c, "DELETE FROM inbox WHERE rowid IN"
            + " (SELECT rowid FROM inbox WHERE received_at < ? LIMIT ?)");
        delete.setLong(1, cutoff);
        delete.setInt(2, PRUNE_BATCH);
        return delete.executeUpdate();
      });
      total += deleted;
    } while (deleted == PRUNE_BATCH);
    if (total > 0) {
      log.info("inbox retention: pruned {} message(s) received more than {} ago", total, retention);
    }
    return total;
  }

  /** Runs {@code VACUUM} (outside any transaction, on the writer thread) and records when, in the file. */
  public void vacuum() throws IOException {
    long started = System.nanoTime();
    db.writeOutsideTransaction(c -> {
      try (Statement s = c.createStatement()) {
        s.execute("VACUUM");
      }
      return null;
    });
    long now = clock.millis();
    db.write(c -> {
      PreparedStatement upsert = db.cached(c, "INSERT INTO inbox_maintenance (name, last_run_at) VALUES ('vacuum', ?)"
          + " ON CONFLICT(name) DO UPDATE SET last_run_at = excluded.last_run_at");
      upsert.setLong(1, now);
      return upsert.executeUpdate();
    });
    log.info("inbox vacuumed in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  /** Whether there has been no VACUUM for at least 7 days (or ever); the time survives restarts. */
  public boolean vacuumDue() throws IOException {
    Long last = db.read(c -> {
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT last_run_at FROM inbox_maintenance WHERE name = 'vacuum'")) {
        return rs.next() ? rs.getLong(1) : null;
      }
    });
    return last == null || clock.millis() - last >= VACUUM_EVERY.toMillis();
  }

  /** One maintenance round: prune, then vacuum if due. */
  public void maintain() throws IOException {
    prune();
    if (vacuumDue()) {
      vacuum();
    }
  }

  /**
   * Runs {@link #maintain()} a minute from now and then hourly, on a daemon thread named {@value
   * #MAINTENANCE_THREAD}, until {@link #close()}. A failed round is logged and retried next hour.
   * Calling it again does nothing.
   */
  public void startMaintenance() {
    startMaintenance(FIRST_MAINTENANCE_AFTER);
  }

  synchronized void startMaintenance(Duration firstAfter) {
    if (closed) {
      throw new IllegalStateException("inbox is closed");
    }
    if (maintenance != null) {
      return;
    }
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, MAINTENANCE_THREAD);
      t.setDaemon(true);
      return t;
    });
    executor.scheduleWithFixedDelay(this::maintainLogged, firstAfter.toMillis(), PRUNE_EVERY.toMillis(),
        TimeUnit.MILLISECONDS);
    maintenance = executor;
  }

  private void maintainLogged() {
    try {
      maintain();
    } catch (IOException | RuntimeException e) {
      if (!closed) { // an interrupted round during close is expected
        log.warn("inbox maintenance failed, retrying in {}: {}", PRUNE_EVERY, e.toString());
      }
    }
  }

  @Override
  public void close() {
    ScheduledExecutorService executor;
    synchronized (this) {
      closed = true;
      executor = maintenance;
      maintenance = null;
    }
    if (executor != null) {
      executor.shutdownNow();
      try {
        executor.awaitTermination(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    db.close();
  }

  @Override
  public String toString() {
    return "Inbox{" + db.file() + ", retention=" + retention + "}";
  }

  // ---------------------------------------------------------------- open

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

    /** {@code [inbox] retention_days}; default 30 days. */
    public Builder retention(Duration retention) {
      Objects.requireNonNull(retention, "retention == null");
      if (retention.isNegative() || retention.isZero()) {
        throw new IllegalArgumentException("[inbox] retention_days must be positive, got " + retention);
      }
      this.retention = retention;
      return this;
    }

    /**
     * Opens {@code inbox.db} in the directory (created 0600) and migrates it forward. A file that
     * is not a database or fails {@code PRAGMA integrity_check} is moved, with its -wal and -shm,
     * to {@code inbox.db.corrupt-<UTC timestamp>} and a fresh inbox is started (SPEC §4.8).
     *
     * @throws StoreSchema.SchemaTooNewException if the directory or file is from a newer claudemesh
     * @throws IOException if the file cannot be opened for any reason other than corruption
     */
    public Inbox open() throws IOException {
      StoreSchema.checkDirectory(dir.resolve("schema_version"));
      Path file = dir.resolve("inbox.db");
      SqliteFile db;
      String problem;
      try {
        db = SqliteFile.open(file, "inbox");
        problem = Outbox.integrityCheck(db);
        if (!"ok".equals(problem)) {
          db.close();
          db = null;
        }
      } catch (IOException e) {
        if (!isCorruption(e)) {
          throw e;
        }
        db = null;
        problem = e.getMessage();
      }
      if (db == null) {
        Path moved = quarantine(file);
        log.error("inbox.db is corrupt ({}); moved it to {} and started an empty inbox",
            abbreviate(problem), moved.getFileName());
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

    /** Not a database, or damaged: not a permission problem, a missing directory or a full disk. */
    private static boolean isCorruption(Throwable e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof SQLException) {
          int code = ((SQLException) t).getErrorCode() & 0xff;
          return code == SQLITE_CORRUPT || code == SQLITE_NOTADB;
        }
      }
      return false;
    }

    private static String abbreviate(String text) {
      return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    /** Moves the file and its -wal and -shm to {@code inbox.db.corrupt-<ts>[-n]} (+ suffixes). */
    private Path quarantine(Path file) throws IOException {
      String base = file.getFileName() + ".corrupt-" + QUARANTINE_STAMP.format(clock.instant());
      Path target = file.resolveSibling(base);
      for (int n = 1; Files.exists(target); n++) {
        target = file.resolveSibling(base + "-" + n);
      }
      Files.move(file, target);
      for (String suffix : List.of("-wal", "-shm")) {
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
