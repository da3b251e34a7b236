package dev.claudemesh.core.store;

import dev.claudemesh.core.crypto.SealedEnvelope;
import dev.claudemesh.core.fingerprint.DestinationKind;
import dev.claudemesh.core.fingerprint.FingerprintRequest;
import dev.claudemesh.core.fingerprint.RequestFingerprint;
import dev.claudemesh.core.internal.SqliteFile;
import dev.claudemesh.core.jcs.Jcs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable outbox ({@code outbox.db}, SPEC §4): accepts sends with the §4.4 table, hands due
 * rows to the drain worker and records their fate, requeues dead or pending rows, and refuses new
 * sends under disk pressure. Rows are never deleted, so a consumed {@code client_message_id} is
 * never released.
 *
 * <p>Thread-safe. Every write joins a group commit on one writer thread; a method that returns
 * has its change fsync'd. {@link #close()} stops the writer.
 */
public final class Outbox implements AutoCloseable {
  public static final long DEFAULT_MAX_BYTES = 5_000_000_000L;
  /** The store schema version this build writes ({@code schema_version}, SPEC §1). */
  public static final int SCHEMA_VERSION = StoreSchema.CURRENT;
  static final Duration BACKOFF_CAP = Duration.ofSeconds(30);
  static final String MAX_AGE_ERROR = "max_age_exceeded";

  private static final Logger log = LoggerFactory.getLogger(Outbox.class);
  private static final String COLUMNS = "id, client_message_id, request_fingerprint, payload, enqueued_at, attempts,"
      + " next_attempt_at, status, last_error, delivered_at, broker_message_id, history_id, aborted_at, aborted_by,"
      + " superseded_by, sealed_nonce, sealed_ciphertext";

  private final SqliteFile db;
  private final Path dir;
  private final Clock clock;
  private final long maxBytes;
  private final Consumer<DiskPressure> pressureListener;
  private final AtomicLong duplicateAccepts = new AtomicLong();
  private volatile DiskPressure.Level lastLevel = DiskPressure.Level.NORMAL;
  private final java.nio.file.@Nullable FileStore fileStore;
  private volatile @Nullable DiskPressure cachedPressure;
  private volatile long cachedPressureAtNanos;
  private final AtomicLong bytesSinceMeasure = new AtomicLong();

  /** How long a pressure measurement is reused by {@link #accept}: two stats and a statfs each. */
  static final long PRESSURE_TTL_NANOS = 100_000_000L;

  private Outbox(SqliteFile db, Builder builder) {
    this.db = db;
    this.dir = builder.dir;
    this.clock = builder.clock;
    this.maxBytes = builder.maxBytes;
    this.pressureListener = builder.pressureListener;
    java.nio.file.FileStore store;
    try {
      store = Files.getFileStore(dir); // looked up once: on Linux it reads the mount table
    } catch (IOException e) {
      store = null;
    }
    this.fileStore = store;
  }

  public static Builder builder(Path dir) {
    return new Builder(dir);
  }

  // ---------------------------------------------------------------- accept (SPEC §4.4)

  /**
   * Accepts a send: computes the fingerprint, then in one {@code BEGIN IMMEDIATE} transaction
   * (shared with concurrent accepts) looks up the id, applies the §4.4 table and inserts a pending
   * row if there was none. Returns after the commit is durable.
   *
   * @param clientMessageId already resolved and validated ({@link ClientMessageIds})
   * @throws IOException if the commit failed; then nothing was written and the id is not consumed
   */
  public AcceptResult accept(String clientMessageId, FingerprintRequest request) throws IOException {
    ClientMessageIds.validate(clientMessageId, "client_message_id");
    RequestFingerprint fingerprint = RequestFingerprint.of(request);
    byte[] payload = Jcs.canonicalizeValue(request.toJson()).getBytes(StandardCharsets.UTF_8);
    boolean refuseNew = recentPressure().level().compareTo(DiskPressure.Level.REFUSE_NEW) >= 0;
    AcceptResult result = db.write(c -> decide(c, clientMessageId, fingerprint, payload, request, refuseNew));
    if (result.kind() == AcceptResult.Kind.QUEUED) {
      bytesSinceMeasure.addAndGet(payload.length);
    }
    if (result.kind() != AcceptResult.Kind.QUEUED && result.kind() != AcceptResult.Kind.INSUFFICIENT_STORAGE) {
      duplicateAccepts.incrementAndGet();
    }
    return result;
  }

  private AcceptResult decide(Connection c, String id, RequestFingerprint fingerprint, byte[] payload,
      FingerprintRequest request, boolean refuseNew) throws SQLException {
    PreparedStatement select = db.cached(c,
        "SELECT status, request_fingerprint, broker_message_id, history_id, last_error FROM outbox WHERE client_message_id = ?");
    select.setString(1, id);
    {
      try (ResultSet rs = select.executeQuery()) {
        if (rs.next()) {
          OutboxStatus status = OutboxStatus.fromWire(rs.getString(1));
          RequestFingerprint stored = RequestFingerprint.fromBytes(rs.getBytes(2));
          return existing(id, status, stored, stored.matches(fingerprint), rs.getString(3), rs.getString(4), rs.getString(5));
        }
      }
    }
    if (refuseNew) {
      return new AcceptResult(AcceptResult.Kind.INSUFFICIENT_STORAGE, id, null, null, null, null);
    }
    insertPending(c, id, request, fingerprint, payload, clock.millis());
    return new AcceptResult(AcceptResult.Kind.QUEUED, id, null, null, null, null);
  }

  /** Inserts a fresh pending row; the only place rows are created. */
  private void insertPending(Connection c, String clientMessageId, FingerprintRequest request,
      RequestFingerprint fingerprint, byte[] payload, long now) throws SQLException {
    PreparedStatement insert = db.cached(c, "INSERT INTO outbox (id, client_message_id, request_fingerprint,"
        + " payload, enqueued_at, attempts, next_attempt_at, status, destination_kind, destination_ref, priority,"
        + " payload_bytes) VALUES (?, ?, ?, ?, ?, 0, ?, 'pending', ?, ?, ?, ?)");
    insert.setString(1, ClientMessageIds.mint());
    insert.setString(2, clientMessageId);
    insert.setBytes(3, fingerprint.bytes());
    insert.setBytes(4, payload);
    insert.setLong(5, now);
    insert.setLong(6, now);
    insert.setString(7, request.destinationKind().wireName());
    insert.setString(8, request.destinationRef());
    insert.setString(9, request.priority().wireName());
    insert.setLong(10, payload.length);
    insert.executeUpdate();
  }

  private static AcceptResult existing(String id, OutboxStatus status, RequestFingerprint stored, boolean match,
      @Nullable String brokerMessageId, @Nullable String historyId, @Nullable String lastError) {
    String prefix = stored.prefixHex();
    switch (status) {
      case PENDING:
        return match ? new AcceptResult(AcceptResult.Kind.PENDING_MATCH, id, null, null, null, null)
            : new AcceptResult(AcceptResult.Kind.PENDING_MISMATCH, id, prefix, null, null, null);
      case INFLIGHT:
        return match ? new AcceptResult(AcceptResult.Kind.INFLIGHT_MATCH, id, null, null, null, null)
            : new AcceptResult(AcceptResult.Kind.INFLIGHT_MISMATCH, id, prefix, null, null, null);
      case DONE:
        return match ? new AcceptResult(AcceptResult.Kind.DONE_MATCH, id, null, brokerMessageId, historyId, null)
            : new AcceptResult(AcceptResult.Kind.DONE_MISMATCH, id, prefix, brokerMessageId, null, null);
      case DEAD:
        return match ? new AcceptResult(AcceptResult.Kind.DEAD_MATCH, id, prefix, null, null, lastError)
            : new AcceptResult(AcceptResult.Kind.DEAD_MISMATCH, id, prefix, null, null, null);
      default:
        return new AcceptResult(match ? AcceptResult.Kind.ABORTED_MATCH : AcceptResult.Kind.ABORTED_MISMATCH,
            id, prefix, null, null, null);
    }
  }

  // ---------------------------------------------------------------- drain side (SPEC §4.5)

  /** Marks up to {@code limit} due pending rows inflight and returns them, oldest first. */
  public List<OutboxRow> claimDue(int limit) throws IOException {
    return claimDue(limit, row -> null);
  }

  /** Seals a DM row that has no envelope yet; null leaves it unsealed. Must not block. */
  @FunctionalInterface
  public interface Sealer {
    @Nullable SealedEnvelope seal(OutboxRow row);
  }

  /**
   * Like {@link #claimDue(int)}, and in the same transaction stores an envelope from {@code
   * sealer} for each claimed DM row that has none, so a row is claimed and sealed with one commit
   * and its envelope is durable before it is sent.
   */
  public List<OutboxRow> claimDue(int limit, Sealer sealer) throws IOException {
    long now = clock.millis();
    return db.write(c -> {
      List<OutboxRow> rows = new ArrayList<>();
      PreparedStatement select = db.cached(c, "SELECT " + COLUMNS + " FROM outbox"
          + " WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, enqueued_at LIMIT ?");
      select.setLong(1, now);
      select.setInt(2, limit);
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          rows.add(row(rs, OutboxStatus.INFLIGHT));
        }
      }
      PreparedStatement update = db.cached(c, "UPDATE outbox SET status = 'inflight' WHERE id = ?");
      PreparedStatement seal = db.cached(c, "UPDATE outbox SET sealed_nonce = ?, sealed_ciphertext = ?"
          + " WHERE id = ? AND sealed_nonce IS NULL");
      for (int i = 0; i < rows.size(); i++) {
        OutboxRow row = rows.get(i);
        update.setString(1, row.id());
        update.executeUpdate();
        if (row.request().destinationKind() == DestinationKind.DM && row.sealed().isEmpty()) {
          SealedEnvelope envelope = sealer.seal(row);
          if (envelope != null) {
            seal.setString(1, envelope.nonceBase64());
            seal.setString(2, envelope.ciphertextBase64());
            seal.setString(3, row.id());
            seal.executeUpdate();
            rows.set(i, row.withSealed(envelope));
          }
        }
      }
      return rows;
    });
  }

  /**
   * Stores the sealed DM envelope the first time; returns the stored one, which a later call never
   * replaces, so every retry sends the same bytes.
   */
  public SealedEnvelope saveSealed(String clientMessageId, SealedEnvelope envelope) throws IOException {
    return db.write(c -> {
      try (PreparedStatement update = c.prepareStatement("UPDATE outbox SET sealed_nonce = ?, sealed_ciphertext = ?"
          + " WHERE client_message_id = ? AND sealed_nonce IS NULL")) {
        update.setString(1, envelope.nonceBase64());
        update.setString(2, envelope.ciphertextBase64());
        update.setString(3, clientMessageId);
        update.executeUpdate();
      }
      try (PreparedStatement select = c.prepareStatement(
          "SELECT sealed_nonce, sealed_ciphertext FROM outbox WHERE client_message_id = ?")) {
        select.setString(1, clientMessageId);
        try (ResultSet rs = select.executeQuery()) {
          if (!rs.next()) {
            throw new OutboxException(OutboxException.NOT_FOUND, "no outbox row " + clientMessageId);
          }
          return SealedEnvelope.fromBase64(rs.getString(1), rs.getString(2));
        }
      }
    });
  }

  /** Broker answered 201 or 200 duplicate: inflight → done. Returns false if the row was not inflight. */
  public boolean markDone(String clientMessageId, @Nullable String brokerMessageId, @Nullable String historyId,
      boolean historyAvailable) throws IOException {
    long now = clock.millis();
    boolean changed = db.write(markDoneTask(clientMessageId, brokerMessageId, historyId, historyAvailable, now));
    warnIfHistoryGone(clientMessageId, changed, historyAvailable);
    return changed;
  }

  /**
   * {@link #markDone} without waiting: the future completes with the same answer once the change
   * is durable (or exceptionally with an {@link IOException}), on the writer thread, so callers
   * must only do short work in it.
   */
  public java.util.concurrent.CompletableFuture<Boolean> markDoneAsync(String clientMessageId,
      @Nullable String brokerMessageId, @Nullable String historyId, boolean historyAvailable) {
    long now = clock.millis();
    return db.writeAsync(markDoneTask(clientMessageId, brokerMessageId, historyId, historyAvailable, now))
        .whenComplete((changed, failure) -> {
          if (changed != null) {
            warnIfHistoryGone(clientMessageId, changed, historyAvailable);
          }
        });
  }

  private SqliteFile.WriteTask<Boolean> markDoneTask(String clientMessageId, @Nullable String brokerMessageId,
      @Nullable String historyId, boolean historyAvailable, long now) {
    return c -> {
      PreparedStatement update = db.cached(c, "UPDATE outbox SET status = 'done', delivered_at = ?,"
          + " broker_message_id = ?, history_id = ?, history_available = ?, last_error = NULL"
          + " WHERE client_message_id = ? AND status = 'inflight'");
      update.setLong(1, now);
      update.setString(2, brokerMessageId);
      update.setString(3, historyId);
      update.setInt(4, historyAvailable ? 1 : 0);
      update.setString(5, clientMessageId);
      return update.executeUpdate() == 1;
    };
  }

  private static void warnIfHistoryGone(String clientMessageId, boolean changed, boolean historyAvailable) {
    if (changed && !historyAvailable) {
      log.warn("outbox {}: broker reports a duplicate whose history is no longer available", clientMessageId);
    }
  }

  /**
   * A transient failure (429, 5xx, timeout, disconnect): inflight → pending with {@code
   * attempts+1} and exponential backoff with jitter, capped at 30 s.
   */
  public boolean markRetry(String clientMessageId, String error) throws IOException {
    long now = clock.millis();
    return db.write(c -> {
      int attempts;
      try (PreparedStatement select = c.prepareStatement(
          "SELECT attempts FROM outbox WHERE client_message_id = ? AND status = 'inflight'")) {
        select.setString(1, clientMessageId);
        try (ResultSet rs = select.executeQuery()) {
          if (!rs.next()) {
            return false;
          }
          attempts = rs.getInt(1) + 1;
        }
      }
      try (PreparedStatement update = c.prepareStatement("UPDATE outbox SET status = 'pending', attempts = ?,"
          + " next_attempt_at = ?, last_error = ? WHERE client_message_id = ?")) {
        update.setInt(1, attempts);
        update.setLong(2, now + backoff(attempts).toMillis());
        update.setString(3, error);
        update.setString(4, clientMessageId);
        update.executeUpdate();
      }
      return true;
    });
  }

  /** A permanent failure (409, 4xx with {@code permanent:true}): pending or inflight → dead. */
  public boolean markDead(String clientMessageId, String error) throws IOException {
    return db.write(c -> {
      try (PreparedStatement update = c.prepareStatement("UPDATE outbox SET status = 'dead', last_error = ?"
          + " WHERE client_message_id = ? AND status IN ('pending', 'inflight')")) {
        update.setString(1, error);
        update.setString(2, clientMessageId);
        return update.executeUpdate() == 1;
      }
    });
  }

  /**
   * Pending rows enqueued more than {@code maxAge} ago → dead ({@code max_age_exceeded}). Inflight
   * rows are left to their ack: a send already on the wire may still be accepted, and declaring it
   * dead first would invite a requeue that delivers it twice. An inflight row whose send fails goes
   * back to pending and dies at the next sweep; after a crash, recovery makes it pending first.
   */
  public int expire(Duration maxAge) throws IOException {
    long cutoff = clock.millis() - maxAge.toMillis();
    int expired = db.write(c -> {
      try (PreparedStatement update = c.prepareStatement("UPDATE outbox SET status = 'dead', last_error = ?"
          + " WHERE status = 'pending' AND enqueued_at < ?")) {
        update.setString(1, MAX_AGE_ERROR);
        update.setLong(2, cutoff);
        return update.executeUpdate();
      }
    });
    if (expired > 0) {
      log.warn("{} outbox row(s) older than {} h declared dead", expired, maxAge.toHours());
    }
    return expired;
  }

  /** {@code min(30 s, 1 s * 2^(attempts-1))}, jittered to between half and all of it. */
  static Duration backoff(int attempts) {
    long ceiling = Math.min(BACKOFF_CAP.toMillis(), 1000L << Math.min(Math.max(attempts - 1, 0), 20));
    return Duration.ofMillis(ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1));
  }

  // ---------------------------------------------------------------- requeue and inspect (SPEC §4.7)

  /**
   * In one transaction: marks the dead or pending row {@code clientMessageId} aborted, inserts a
   * fresh pending row under a new id (given, or a minted ULID when null) with the same or patched
   * request and a new fingerprint, and links them with {@code superseded_by}.
   *
   * @throws OutboxException if the row does not exist, is not dead or pending, or the new id is
   *     already consumed
   */
  public OutboxRow requeue(String clientMessageId, @Nullable String newClientMessageId,
      @Nullable FingerprintRequest patched, String abortedBy) throws IOException {
    String newId = newClientMessageId == null ? ClientMessageIds.mint()
        : ClientMessageIds.validate(newClientMessageId, "new client_message_id");
    long now = clock.millis();
    String inserted = db.write(c -> {
      OutboxRow old = findIn(c, clientMessageId)
          .orElseThrow(() -> new OutboxException(OutboxException.NOT_FOUND, "no outbox row " + clientMessageId));
      if (old.status() != OutboxStatus.DEAD && old.status() != OutboxStatus.PENDING) {
        throw new OutboxException(OutboxException.NOT_REQUEUEABLE, "outbox row " + clientMessageId + " is "
            + old.status().wireName() + "; only dead and pending rows can be requeued");
      }
      if (findIn(c, newId).isPresent()) {
        throw new OutboxException(OutboxException.ID_CONSUMED,
            "client_message_id " + newId + " is already used by an outbox row and is never released");
      }
      FingerprintRequest request = patched != null ? patched : old.request();
      byte[] payload = Jcs.canonicalizeValue(request.toJson()).getBytes(StandardCharsets.UTF_8);
      try (PreparedStatement abort = c.prepareStatement("UPDATE outbox SET status = 'aborted', aborted_at = ?,"
          + " aborted_by = ?, superseded_by = ? WHERE id = ?")) {
        abort.setLong(1, now);
        abort.setString(2, abortedBy);
        abort.setString(3, newId);
        abort.setString(4, old.id());
        abort.executeUpdate();
      }
      insertPending(c, newId, request, RequestFingerprint.of(request), payload, now);
      return newId;
    });
    log.info("outbox {} requeued as {} by {}", clientMessageId, inserted, abortedBy);
    return find(inserted).orElseThrow();
  }

  /** The row with this client_message_id. */
  public Optional<OutboxRow> find(String clientMessageId) throws IOException {
    return db.read(c -> findIn(c, clientMessageId));
  }

  /**
   * The requeue chain through {@code clientMessageId}, oldest first: every row it superseded and
   * every row that superseded it ({@code claudemesh daemon outbox inspect}).
   */
  public List<OutboxRow> inspect(String clientMessageId) throws IOException {
    return db.read(c -> {
      Optional<OutboxRow> start = findIn(c, clientMessageId);
      if (start.isEmpty()) {
        return List.of();
      }
      List<OutboxRow> chain = new ArrayList<>();
      OutboxRow current = start.get();
      for (Optional<OutboxRow> earlier = predecessor(c, current.clientMessageId()); earlier.isPresent();
          earlier = predecessor(c, earlier.get().clientMessageId())) {
        chain.add(0, earlier.get());
      }
      chain.add(current);
      while (current.supersededBy().isPresent()) {
        Optional<OutboxRow> next = findIn(c, current.supersededBy().get());
        if (next.isEmpty()) {
          break;
        }
        current = next.get();
        chain.add(current);
      }
      return chain;
    });
  }

  /**
   * Rows newest first, optionally of one status, {@code limit} per page; pass the previous page's
   * last row as {@code after} for the next page.
   */
  public List<OutboxRow> list(@Nullable OutboxStatus status, int limit, @Nullable OutboxRow after) throws IOException {
    int pageSize = Math.max(1, Math.min(limit, 1000));
    return db.read(c -> {
      StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM outbox WHERE 1 = 1");
      if (status != null) {
        sql.append(" AND status = ?");
      }
      if (after != null) {
        sql.append(" AND (enqueued_at < ? OR (enqueued_at = ? AND id < ?))");
      }
      sql.append(" ORDER BY enqueued_at DESC, id DESC LIMIT ?");
      try (PreparedStatement select = c.prepareStatement(sql.toString())) {
        int i = 1;
        if (status != null) {
          select.setString(i++, status.wireName());
        }
        if (after != null) {
          select.setLong(i++, after.enqueuedAt().toEpochMilli());
          select.setLong(i++, after.enqueuedAt().toEpochMilli());
          select.setString(i++, after.id());
        }
        select.setInt(i, pageSize);
        List<OutboxRow> rows = new ArrayList<>();
        try (ResultSet rs = select.executeQuery()) {
          while (rs.next()) {
            rows.add(row(rs, null));
          }
        }
        return rows;
      }
    });
  }

  /** Row counts per status, for {@code cm_daemon_outbox_depth{status}} and health. */
  public Map<OutboxStatus, Long> depth() throws IOException {
    return db.read(c -> {
      Map<OutboxStatus, Long> depth = new EnumMap<>(OutboxStatus.class);
      for (OutboxStatus status : OutboxStatus.values()) {
        depth.put(status, 0L);
      }
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT status, COUNT(*) FROM outbox GROUP BY status")) {
        while (rs.next()) {
          depth.put(OutboxStatus.fromWire(rs.getString(1)), rs.getLong(2));
        }
      }
      return depth;
    });
  }

  /**
   * How long the oldest row in one of {@code statuses} has waited since it was accepted, by this
   * outbox's clock; zero when there is none (or its {@code enqueued_at} is in the future). With
   * pending and inflight this is the daemon's send lag ({@code lag_ms} in health, {@code
   * cm_daemon_lag_ms}); with pending alone it is what the max-age sweep (SPEC §4.6) compares.
   */
  public Duration oldestAge(Set<OutboxStatus> statuses) throws IOException {
    if (statuses.isEmpty()) {
      return Duration.ZERO;
    }
    String in = String.join(", ", Collections.nCopies(statuses.size(), "?"));
    Optional<Long> oldest = db.read(c -> {
      try (PreparedStatement select = c.prepareStatement(
          "SELECT MIN(enqueued_at) FROM outbox WHERE status IN (" + in + ")")) {
        int i = 1;
        for (OutboxStatus status : statuses) {
          select.setString(i++, status.wireName());
        }
        try (ResultSet rs = select.executeQuery()) {
          long value = rs.next() ? rs.getLong(1) : 0;
          return rs.wasNull() ? Optional.<Long>empty() : Optional.of(value);
        }
      }
    });
    if (oldest.isEmpty()) {
      return Duration.ZERO;
    }
    long age = clock.millis() - oldest.get();
    return age > 0 ? Duration.ofMillis(age) : Duration.ZERO;
  }

  /** Accepts answered from an existing row (same id again): {@code cm_daemon_dedupe_total{direction="outbound"}}. */
  public long duplicateAccepts() {
    return duplicateAccepts.get();
  }

  // ---------------------------------------------------------------- disk pressure (SPEC §4.9)

  /**
   * The last measurement while it is under 100 ms old and less than 1 % of the budget has been
   * accepted since, else a new one.
   */
  DiskPressure recentPressure() {
    DiskPressure cached = cachedPressure;
    if (cached != null && System.nanoTime() - cachedPressureAtNanos < PRESSURE_TTL_NANOS
        && bytesSinceMeasure.get() < cached.budgetBytes() / 100) {
      return cached;
    }
    return pressure();
  }

  /** Measures now; notifies the listener when the level changed. */
  public DiskPressure pressure() {
    long used = size(db.file()) + size(db.file().resolveSibling(db.file().getFileName() + "-wal"));
    long available = Long.MAX_VALUE / 2;
    if (fileStore != null) {
      try {
        available = fileStore.getUsableSpace();
      } catch (IOException e) {
        // keep the byte budget alone
      }
    }
    DiskPressure pressure = new DiskPressure(used, Math.min(maxBytes, used + available));
    bytesSinceMeasure.set(0);
    cachedPressure = pressure;
    cachedPressureAtNanos = System.nanoTime();
    DiskPressure.Level level = pressure.level();
    if (level != lastLevel) {
      lastLevel = level;
      if (level != DiskPressure.Level.NORMAL) {
        log.warn("outbox disk pressure {}", pressure);
      }
      pressureListener.accept(pressure);
    }
    return pressure;
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  // ---------------------------------------------------------------- rows

  private Optional<OutboxRow> findIn(Connection c, String clientMessageId) throws SQLException {
    try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS + " FROM outbox WHERE client_message_id = ?")) {
      select.setString(1, clientMessageId);
      try (ResultSet rs = select.executeQuery()) {
        return rs.next() ? Optional.of(row(rs, null)) : Optional.empty();
      }
    }
  }

  private Optional<OutboxRow> predecessor(Connection c, String clientMessageId) throws SQLException {
    try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS + " FROM outbox WHERE superseded_by = ?")) {
      select.setString(1, clientMessageId);
      try (ResultSet rs = select.executeQuery()) {
        return rs.next() ? Optional.of(row(rs, null)) : Optional.empty();
      }
    }
  }

  private static OutboxRow row(ResultSet rs, @Nullable OutboxStatus statusOverride) throws SQLException {
    FingerprintRequest request = FingerprintRequest.fromJson(Jcs.parse(rs.getBytes(4)));
    String nonce = rs.getString(16);
    String ciphertext = rs.getString(17);
    return new OutboxRow(rs.getString(1), rs.getString(2), RequestFingerprint.fromBytes(rs.getBytes(3)), request,
        Instant.ofEpochMilli(rs.getLong(5)), rs.getInt(6), Instant.ofEpochMilli(rs.getLong(7)),
        statusOverride != null ? statusOverride : OutboxStatus.fromWire(rs.getString(8)), rs.getString(9),
        instantOrNull(rs, 10), rs.getString(11), rs.getString(12), instantOrNull(rs, 13), rs.getString(14),
        rs.getString(15), nonce == null || ciphertext == null ? null : SealedEnvelope.fromBase64(nonce, ciphertext));
  }

  private static @Nullable Instant instantOrNull(ResultSet rs, int column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(value);
  }

  /** Total committed write transactions (group commits), for tests and metrics. */
  long commits() {
    return db.commits();
  }

  @Override
  public void close() {
    db.close();
  }

  @Override
  public String toString() {
    return "Outbox{" + db.file() + "}";
  }

  /** Opens an {@link Outbox}; defaults: system UTC clock, 5 GB budget, no pressure listener. */
  public static final class Builder {
    private final Path dir;
    private Clock clock = Clock.systemUTC();
    private long maxBytes = DEFAULT_MAX_BYTES;
    private Consumer<DiskPressure> pressureListener = p -> { };

    private Builder(Path dir) {
      this.dir = Objects.requireNonNull(dir, "dir == null");
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /** {@code [outbox] max_bytes}. */
    public Builder maxBytes(long maxBytes) {
      if (maxBytes <= 0) {
        throw new IllegalArgumentException("[outbox] max_bytes must be positive, got " + maxBytes);
      }
      this.maxBytes = maxBytes;
      return this;
    }

    /** Called when the pressure level changes (e.g. to emit {@code outbox_pressure_high}). */
    public Builder pressureListener(Consumer<DiskPressure> pressureListener) {
      this.pressureListener = Objects.requireNonNull(pressureListener, "pressureListener == null");
      return this;
    }

    /**
     * Opens {@code outbox.db} (created 0600): refuses a newer schema, checks integrity (a failure
     * refuses to start, naming {@code claudemesh daemon recover}), migrates forward, and puts rows
     * left inflight by a crash back to pending with {@code attempts+1}.
     */
    public Outbox open() throws IOException {
      Path file = dir.resolve("outbox.db");
      StoreSchema.checkDirectory(dir.resolve("schema_version"));
      SqliteFile db;
      try {
        db = SqliteFile.open(file, "outbox");
      } catch (IOException e) {
        throw new OutboxCorruptException(e.getMessage(), e);
      }
      try {
        String integrity = integrityCheck(db);
        if (!"ok".equals(integrity)) {
          throw new OutboxCorruptException(integrity, null);
        }
        StoreSchema.migrate(db, StoreSchema.OUTBOX, "outbox.db");
        int recovered = db.write(c -> {
          try (Statement s = c.createStatement()) {
            return s.executeUpdate("UPDATE outbox SET status = 'pending', attempts = attempts + 1 WHERE status = 'inflight'");
          }
        });
        if (recovered > 0) {
          log.info("outbox recovery: {} inflight row(s) back to pending", recovered);
        }
        StoreSchema.recordDirectory(dir.resolve("schema_version"));
      } catch (IOException | RuntimeException e) {
        db.close();
        throw e;
      }
      return new Outbox(db, this);
    }
  }

  static String integrityCheck(SqliteFile db) throws IOException {
    try {
      return db.read(c -> {
        StringBuilder out = new StringBuilder();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
          while (rs.next()) {
            out.append(out.length() == 0 ? "" : "; ").append(rs.getString(1));
          }
        }
        return out.toString();
      });
    } catch (IOException e) {
      return e.getMessage();
    }
  }
}
