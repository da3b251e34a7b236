package dev.claudemesh.broker.store;

import com.github.f4b6a3.ulid.UlidCreator;
import dev.claudemesh.core.internal.SqliteFile;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;

/**
 * {@link BrokerStore} on one SQLite file (mode 0600, WAL, {@code synchronous=FULL}). Writes go
 * through {@link SqliteFile}'s single writer, so concurrent accepts share group commits while
 * each keeps its own savepoint and its own outcome.
 */
public final class SqliteBrokerStore implements BrokerStore {
  /** The schema this code writes; a file with a newer one is refused. */
  public static final int SCHEMA_VERSION = 1;

  private static final String[] SCHEMA = {
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS meshes (id TEXT PRIMARY KEY, slug TEXT NOT NULL UNIQUE,"
        + " policy TEXT NOT NULL, created_at INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS members (id TEXT PRIMARY KEY, mesh_id TEXT NOT NULL REFERENCES meshes(id),"
        + " pubkey TEXT NOT NULL, display_name TEXT NOT NULL, role TEXT NOT NULL,"
        + " revoked INTEGER NOT NULL DEFAULT 0, ephemeral INTEGER NOT NULL DEFAULT 0,"
        + " joined_at INTEGER NOT NULL, UNIQUE(mesh_id, pubkey))",
    "CREATE INDEX IF NOT EXISTS members_pubkey ON members(pubkey)",
    "CREATE TABLE IF NOT EXISTS invites (token TEXT PRIMARY KEY, mesh_id TEXT NOT NULL REFERENCES meshes(id),"
        + " uses_left INTEGER NOT NULL, ephemeral INTEGER NOT NULL, expires_at INTEGER,"
        + " created_at INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS topics (mesh_id TEXT NOT NULL, name TEXT NOT NULL, created_by TEXT,"
        + " created_at INTEGER NOT NULL, PRIMARY KEY(mesh_id, name))",
    "CREATE TABLE IF NOT EXISTS subscriptions (mesh_id TEXT NOT NULL, topic TEXT NOT NULL,"
        + " member_id TEXT NOT NULL, PRIMARY KEY(mesh_id, topic, member_id))",
    "CREATE TABLE IF NOT EXISTS client_message_dedupe (mesh_id TEXT NOT NULL,"
        + " sender_member_id TEXT NOT NULL, client_message_id TEXT NOT NULL,"
        + " broker_message_id TEXT NOT NULL, history_id TEXT NOT NULL,"
        + " request_fingerprint BLOB NOT NULL CHECK(length(request_fingerprint) = 32),"
        + " destination_kind TEXT NOT NULL, destination_ref TEXT NOT NULL,"
        + " first_seen_at INTEGER NOT NULL, expires_at INTEGER,"
        + " history_available INTEGER NOT NULL DEFAULT 1,"
        + " PRIMARY KEY(mesh_id, sender_member_id, client_message_id))",
    "CREATE INDEX IF NOT EXISTS client_message_dedupe_expires ON client_message_dedupe(expires_at)",
    "CREATE INDEX IF NOT EXISTS client_message_dedupe_message ON client_message_dedupe(broker_message_id)",
    "CREATE TABLE IF NOT EXISTS messages (id TEXT PRIMARY KEY, mesh_id TEXT NOT NULL,"
        + " sender_member_id TEXT NOT NULL, sender_member_pubkey TEXT NOT NULL,"
        + " sender_pubkey TEXT NOT NULL, sender_name TEXT NOT NULL, target_spec TEXT NOT NULL,"
        + " topic TEXT, priority TEXT NOT NULL, nonce TEXT, ciphertext TEXT NOT NULL,"
        + " reply_to_id TEXT, meta TEXT, client_message_id TEXT, created_at INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS messages_created ON messages(created_at)",
    "CREATE TABLE IF NOT EXISTS history (id TEXT PRIMARY KEY, mesh_id TEXT NOT NULL,"
        + " message_id TEXT NOT NULL, sender_member_id TEXT NOT NULL, target_spec TEXT NOT NULL,"
        + " client_message_id TEXT, created_at INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS history_message ON history(message_id)",
    "CREATE TABLE IF NOT EXISTS deliveries (id TEXT PRIMARY KEY, message_id TEXT NOT NULL,"
        + " recipient_member_id TEXT NOT NULL,"
        + " status TEXT NOT NULL CHECK(status IN ('pending','done')),"
        + " lease_owner TEXT, lease_until INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
        + " created_at INTEGER NOT NULL, completed_at INTEGER)",
    "CREATE INDEX IF NOT EXISTS deliveries_open ON deliveries(recipient_member_id, status)",
    "CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries(status, lease_until)",
    "CREATE INDEX IF NOT EXISTS deliveries_message ON deliveries(message_id)",
  };

  private static final String MESSAGE_COLUMNS =
      "m.id, m.mesh_id, m.sender_member_id, m.sender_member_pubkey, m.sender_pubkey, m.sender_name,"
          + " m.target_spec, m.topic, m.priority, m.nonce, m.ciphertext, m.reply_to_id, m.meta,"
          + " m.client_message_id, m.created_at";

  private final SqliteFile db;

  private SqliteBrokerStore(SqliteFile db) {
    this.db = db;
  }

  /**
   * Opens or creates the broker database at {@code file} (mode 0600 on creation).
   *
   * @throws IOException if the file cannot be opened or holds a newer schema
   */
  public static SqliteBrokerStore open(Path file) throws IOException {
    SqliteFile db = SqliteFile.open(file, "broker-db");
    try {
      db.write(c -> {
        try (Statement s = c.createStatement()) {
          for (String sql : SCHEMA) {
            s.execute(sql);
          }
          try (ResultSet rs = s.executeQuery("SELECT max(version) FROM schema_version")) {
            rs.next();
            int version = rs.getInt(1);
            if (rs.wasNull()) {
              s.execute("INSERT INTO schema_version(version) VALUES (" + SCHEMA_VERSION + ")");
            } else if (version > SCHEMA_VERSION) {
              throw new SQLException("schema_version " + version + " is newer than this broker's "
                  + SCHEMA_VERSION + "; use a newer claudemesh-broker");
            }
          }
        }
        return null;
      });
    } catch (IOException | RuntimeException e) {
      db.close();
      throw e;
    }
    return new SqliteBrokerStore(db);
  }

  // ---- meshes, members, invites ----

  @Override
  public Mesh createMesh(String slug, ConnectionPolicy policy, long now) throws IOException {
    Mesh mesh = new Mesh("mesh_" + UlidCreator.getMonotonicUlid(), slug, policy, now);
    boolean created = db.write(c -> {
      try (PreparedStatement p = c.prepareStatement(
          "INSERT INTO meshes(id, slug, policy, created_at) VALUES (?,?,?,?) ON CONFLICT(slug) DO NOTHING")) {
        p.setString(1, mesh.id());
        p.setString(2, slug);
        p.setString(3, policy.wireName());
        p.setLong(4, now);
        return p.executeUpdate() == 1;
      }
    });
    if (!created) {
      throw new IllegalStateException("mesh '" + slug + "' already exists");
    }
    return mesh;
  }

  @Override
  public Optional<Mesh> meshById(String meshId) throws IOException {
    return db.read(c -> mesh(c, "SELECT id, slug, policy, created_at FROM meshes WHERE id = ?", meshId));
  }

  @Override
  public Optional<Mesh> meshBySlug(String slug) throws IOException {
    return db.read(c -> mesh(c, "SELECT id, slug, policy, created_at FROM meshes WHERE slug = ?", slug));
  }

  private static Optional<Mesh> mesh(Connection c, String sql, String key) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      p.setString(1, key);
      try (ResultSet rs = p.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(new Mesh(rs.getString(1), rs.getString(2),
            ConnectionPolicy.fromWire(rs.getString(3)), rs.getLong(4)));
      }
    }
  }

  @Override
  public void createInvite(String meshId, String token, int uses, boolean ephemeral, @Nullable Long expiresAt, long now)
      throws IOException {
    db.write(c -> {
      try (PreparedStatement p = c.prepareStatement(
          "INSERT INTO invites(token, mesh_id, uses_left, ephemeral, expires_at, created_at) VALUES (?,?,?,?,?,?)")) {
        p.setString(1, token);
        p.setString(2, meshId);
        p.setInt(3, uses);
        p.setInt(4, ephemeral ? 1 : 0);
        setNullableLong(p, 5, expiresAt);
        p.setLong(6, now);
        p.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public JoinOutcome join(String token, String pubkey, String displayName, String newMemberId, long now)
      throws IOException {
    return db.write(c -> {
      String meshId;
      int usesLeft;
      boolean ephemeral;
      Long expiresAt;
      try (PreparedStatement p = c.prepareStatement(
          "SELECT mesh_id, uses_left, ephemeral, expires_at FROM invites WHERE token = ?")) {
        p.setString(1, token);
        try (ResultSet rs = p.executeQuery()) {
          if (!rs.next()) {
            return new JoinOutcome.Refused("invite_unknown");
          }
          meshId = rs.getString(1);
          usesLeft = rs.getInt(2);
          ephemeral = rs.getInt(3) != 0;
          long expires = rs.getLong(4);
          expiresAt = rs.wasNull() ? null : expires;
        }
      }
      if (expiresAt != null && now >= expiresAt) {
        return new JoinOutcome.Refused("invite_expired");
      }
      Mesh mesh = mesh(c, "SELECT id, slug, policy, created_at FROM meshes WHERE id = ?", meshId).orElseThrow();
      Optional<Member> existing = member(c, "SELECT " + MEMBER_COLUMNS + " FROM members WHERE mesh_id = ? AND pubkey = ?",
          meshId, pubkey);
      if (existing.isPresent()) {
        if (existing.get().revoked()) {
          return new JoinOutcome.Refused("member_revoked");
        }
        return new JoinOutcome.Joined(mesh, existing.get(), true);
      }
      if (usesLeft <= 0) {
        return new JoinOutcome.Refused("invite_used_up");
      }
      try (PreparedStatement p = c.prepareStatement("UPDATE invites SET uses_left = uses_left - 1 WHERE token = ?")) {
        p.setString(1, token);
        p.executeUpdate();
      }
      Member member = new Member(newMemberId, meshId, pubkey, displayName, "member", false, ephemeral, now);
      try (PreparedStatement p = c.prepareStatement("INSERT INTO members(id, mesh_id, pubkey, display_name, role,"
          + " revoked, ephemeral, joined_at) VALUES (?,?,?,?,?,0,?,?)")) {
        p.setString(1, member.id());
        p.setString(2, meshId);
        p.setString(3, pubkey);
        p.setString(4, displayName);
        p.setString(5, member.role());
        p.setInt(6, ephemeral ? 1 : 0);
        p.setLong(7, now);
        p.executeUpdate();
      }
      return new JoinOutcome.Joined(mesh, member, false);
    });
  }

  private static final String MEMBER_COLUMNS =
      "id, mesh_id, pubkey, display_name, role, revoked, ephemeral, joined_at";

  private static Optional<Member> member(Connection c, String sql, String... keys) throws SQLException {
    List<Member> list = members(c, sql, keys);
    return list.isEmpty() ? Optional.empty() : Optional.of(list.get(0));
  }

  private static List<Member> members(Connection c, String sql, String... keys) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      for (int i = 0; i < keys.length; i++) {
        p.setString(i + 1, keys[i]);
      }
      List<Member> out = new ArrayList<>();
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(new Member(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
              rs.getString(5), rs.getInt(6) != 0, rs.getInt(7) != 0, rs.getLong(8)));
        }
      }
      return out;
    }
  }

  @Override
  public Optional<Member> memberById(String memberId) throws IOException {
    return db.read(c -> member(c, "SELECT " + MEMBER_COLUMNS + " FROM members WHERE id = ?", memberId));
  }

  @Override
  public List<Member> activeMembers(String meshId) throws IOException {
    return db.read(c -> members(c,
        "SELECT " + MEMBER_COLUMNS + " FROM members WHERE mesh_id = ? AND revoked = 0 ORDER BY joined_at, id", meshId));
  }

  @Override
  public List<Member> revokeMember(String pubkey) throws IOException {
    return db.write(c -> {
      List<Member> found = members(c, "SELECT " + MEMBER_COLUMNS + " FROM members WHERE pubkey = ? AND revoked = 0",
          pubkey);
      try (PreparedStatement p = c.prepareStatement("UPDATE members SET revoked = 1 WHERE pubkey = ?")) {
        p.setString(1, pubkey);
        p.executeUpdate();
      }
      List<Member> revoked = new ArrayList<>();
      for (Member m : found) {
        revoked.add(new Member(m.id(), m.meshId(), m.pubkey(), m.displayName(), m.role(), true, m.ephemeral(),
            m.joinedAt()));
      }
      return revoked;
    });
  }

  @Override
  public void removeMember(String memberId) throws IOException {
    db.write(c -> {
      for (String sql : new String[] {
        "DELETE FROM subscriptions WHERE member_id = ?",
        "DELETE FROM deliveries WHERE recipient_member_id = ? AND status = 'pending'",
        "DELETE FROM members WHERE id = ?",
      }) {
        try (PreparedStatement p = c.prepareStatement(sql)) {
          p.setString(1, memberId);
          p.executeUpdate();
        }
      }
      return null;
    });
  }

  // ---- topics ----

  @Override
  public void createTopic(String meshId, String name, String memberId, long now) throws IOException {
    db.write(c -> {
      try (PreparedStatement p = c.prepareStatement(
          "INSERT INTO topics(mesh_id, name, created_by, created_at) VALUES (?,?,?,?) ON CONFLICT DO NOTHING")) {
        p.setString(1, meshId);
        p.setString(2, name);
        p.setString(3, memberId);
        p.setLong(4, now);
        p.executeUpdate();
      }
      subscribe(c, meshId, name, memberId);
      return null;
    });
  }

  private static void subscribe(Connection c, String meshId, String name, String memberId) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(
        "INSERT INTO subscriptions(mesh_id, topic, member_id) VALUES (?,?,?) ON CONFLICT DO NOTHING")) {
      p.setString(1, meshId);
      p.setString(2, name);
      p.setString(3, memberId);
      p.executeUpdate();
    }
  }

  @Override
  public boolean joinTopic(String meshId, String name, String memberId) throws IOException {
    return db.write(c -> {
      if (!topicExists(c, meshId, name)) {
        return false;
      }
      subscribe(c, meshId, name, memberId);
      return true;
    });
  }

  private static boolean topicExists(Connection c, String meshId, String name) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM topics WHERE mesh_id = ? AND name = ?")) {
      p.setString(1, meshId);
      p.setString(2, name);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next();
      }
    }
  }

  @Override
  public void leaveTopic(String meshId, String name, String memberId) throws IOException {
    db.write(c -> {
      try (PreparedStatement p = c.prepareStatement(
          "DELETE FROM subscriptions WHERE mesh_id = ? AND topic = ? AND member_id = ?")) {
        p.setString(1, meshId);
        p.setString(2, name);
        p.setString(3, memberId);
        p.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public boolean deleteTopic(String meshId, String name) throws IOException {
    return db.write(c -> {
      try (PreparedStatement p = c.prepareStatement("DELETE FROM subscriptions WHERE mesh_id = ? AND topic = ?")) {
        p.setString(1, meshId);
        p.setString(2, name);
        p.executeUpdate();
      }
      try (PreparedStatement p = c.prepareStatement("DELETE FROM topics WHERE mesh_id = ? AND name = ?")) {
        p.setString(1, meshId);
        p.setString(2, name);
        return p.executeUpdate() == 1;
      }
    });
  }

  @Override
  public List<TopicView> topics(String meshId, String memberId) throws IOException {
    return db.read(c -> {
      try (PreparedStatement p = c.prepareStatement("SELECT t.name,"
          + " EXISTS(SELECT 1 FROM subscriptions s WHERE s.mesh_id = t.mesh_id AND s.topic = t.name AND s.member_id = ?),"
          + " (SELECT count(*) FROM subscriptions s WHERE s.mesh_id = t.mesh_id AND s.topic = t.name)"
          + " FROM topics t WHERE t.mesh_id = ? ORDER BY t.name")) {
        p.setString(1, memberId);
        p.setString(2, meshId);
        List<TopicView> out = new ArrayList<>();
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            out.add(new TopicView(rs.getString(1), rs.getInt(2) != 0, rs.getLong(3)));
          }
        }
        return out;
      }
    });
  }

  // ---- send ----

  private static final String DEDUPE_SELECT = "SELECT mesh_id, sender_member_id, client_message_id,"
      + " broker_message_id, history_id, request_fingerprint, destination_kind, destination_ref,"
      + " first_seen_at, expires_at, history_available FROM client_message_dedupe"
      + " WHERE mesh_id = ? AND sender_member_id = ? AND client_message_id = ?";

  @Override
  public Optional<DedupeRecord> findDedupe(String meshId, String senderMemberId, String clientMessageId)
      throws IOException {
    return db.read(c -> readDedupe(db.cached(c, DEDUPE_SELECT), meshId, senderMemberId, clientMessageId));
  }

  private static Optional<DedupeRecord> readDedupe(PreparedStatement p, String meshId, String sender, String id)
      throws SQLException {
    p.setString(1, meshId);
    p.setString(2, sender);
    p.setString(3, id);
    try (ResultSet rs = p.executeQuery()) {
      if (!rs.next()) {
        return Optional.empty();
      }
      long expires = rs.getLong(10);
      Long expiresAt = rs.wasNull() ? null : expires;
      return Optional.of(new DedupeRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
          rs.getString(5), rs.getBytes(6), rs.getString(7), rs.getString(8), rs.getLong(9), expiresAt,
          rs.getInt(11) != 0));
    }
  }

  /** Carries a B2 refusal out of the write task so the task's savepoint is rolled back. */
  private static final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient AcceptOutcome outcome;

    Refusal(AcceptOutcome outcome) {
      super(null, null, false, false);
      this.outcome = outcome;
    }
  }

  @Override
  public CompletableFuture<AcceptOutcome> acceptSend(SendCommand cmd) {
    String messageId = "msg_" + UlidCreator.getMonotonicUlid();
    String historyId = "hist_" + UlidCreator.getMonotonicUlid();
    CompletableFuture<AcceptOutcome> written = db.writeAsync(c -> accept(c, cmd, messageId, historyId));
    return written.handle((outcome, failure) -> {
      if (failure == null) {
        return outcome;
      }
      Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
      if (cause instanceof Refusal) {
        return ((Refusal) cause).outcome;
      }
      throw new CompletionException(cause instanceof IOException ? cause
          : new IOException("accept failed: " + cause.getMessage(), cause));
    });
  }

  private AcceptOutcome accept(Connection c, SendCommand cmd, String messageId, String historyId) throws SQLException {
    // B2: claim the key first; a concurrent accept of the same key finds the winner's row.
    if (cmd.clientMessageId() != null) {
      PreparedStatement insert = db.cached(c, "INSERT INTO client_message_dedupe(mesh_id, sender_member_id,"
          + " client_message_id, broker_message_id, history_id, request_fingerprint, destination_kind,"
          + " destination_ref, first_seen_at, expires_at, history_available) VALUES (?,?,?,?,?,?,?,?,?,?,1)"
          + " ON CONFLICT DO NOTHING");
      insert.setString(1, cmd.meshId());
      insert.setString(2, cmd.senderMemberId());
      insert.setString(3, cmd.clientMessageId());
      insert.setString(4, messageId);
      insert.setString(5, historyId);
      insert.setBytes(6, cmd.requestFingerprint());
      insert.setString(7, cmd.destinationKind());
      insert.setString(8, cmd.destinationRef());
      insert.setLong(9, cmd.now());
      setNullableLong(insert, 10, cmd.dedupeExpiresAt());
      int inserted = insert.executeUpdate();
      if (inserted == 0) {
        DedupeRecord row = readDedupe(db.cached(c, DEDUPE_SELECT), cmd.meshId(), cmd.senderMemberId(),
            cmd.clientMessageId()).orElseThrow(() -> new SQLException("dedupe row vanished inside a transaction"));
        throw new Refusal(new AcceptOutcome.Existing(row));
      }
    }
    // B2: the destination must exist now, inside the transaction.
    List<String> recipients = new ArrayList<>();
    String topic = null;
    String target = cmd.targetSpec();
    if (target.equals("*")) {
      topic = "*"; // pushed as topic "*" so recipients tell a broadcast from a DM
      PreparedStatement p = db.cached(c, "SELECT id FROM members WHERE mesh_id = ? AND revoked = 0 AND id <> ?"
          + " ORDER BY joined_at, id");
      p.setString(1, cmd.meshId());
      p.setString(2, cmd.senderMemberId());
      collect(p, recipients);
    } else if (target.startsWith("#")) {
      topic = target.substring(1);
      if (!topicExists(c, cmd.meshId(), topic)) {
        throw new Refusal(new AcceptOutcome.TopicNotFound(topic));
      }
      PreparedStatement p = db.cached(c, "SELECT s.member_id FROM subscriptions s JOIN members m ON m.id = s.member_id"
          + " WHERE s.mesh_id = ? AND s.topic = ? AND m.revoked = 0 AND s.member_id <> ? ORDER BY m.joined_at, m.id");
      p.setString(1, cmd.meshId());
      p.setString(2, topic);
      p.setString(3, cmd.senderMemberId());
      collect(p, recipients);
    } else {
      PreparedStatement p = db.cached(c, "SELECT id FROM members WHERE mesh_id = ? AND pubkey = ? AND revoked = 0");
      p.setString(1, cmd.meshId());
      p.setString(2, target);
      collect(p, recipients);
      if (recipients.isEmpty()) {
        throw new Refusal(new AcceptOutcome.RecipientNotFound(target));
      }
    }
    // B3: message, history and one delivery row per recipient, in the same transaction.
    PreparedStatement message = db.cached(c, "INSERT INTO messages(id, mesh_id, sender_member_id,"
        + " sender_member_pubkey, sender_pubkey, sender_name, target_spec, topic, priority, nonce, ciphertext,"
        + " reply_to_id, meta, client_message_id, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    message.setString(1, messageId);
    message.setString(2, cmd.meshId());
    message.setString(3, cmd.senderMemberId());
    message.setString(4, cmd.senderMemberPubkey());
    message.setString(5, cmd.senderPubkey());
    message.setString(6, cmd.senderName());
    message.setString(7, target);
    setNullableString(message, 8, topic);
    message.setString(9, cmd.priority());
    setNullableString(message, 10, cmd.nonce());
    message.setString(11, cmd.ciphertext());
    setNullableString(message, 12, cmd.replyToId());
    setNullableString(message, 13, cmd.metaJson());
    setNullableString(message, 14, cmd.clientMessageId());
    message.setLong(15, cmd.now());
    message.executeUpdate();

    PreparedStatement history = db.cached(c, "INSERT INTO history(id, mesh_id, message_id, sender_member_id,"
        + " target_spec, client_message_id, created_at) VALUES (?,?,?,?,?,?,?)");
    history.setString(1, historyId);
    history.setString(2, cmd.meshId());
    history.setString(3, messageId);
    history.setString(4, cmd.senderMemberId());
    history.setString(5, target);
    setNullableString(history, 6, cmd.clientMessageId());
    history.setLong(7, cmd.now());
    history.executeUpdate();

    List<AcceptOutcome.NewDelivery> deliveries = new ArrayList<>(recipients.size());
    PreparedStatement delivery = db.cached(c, "INSERT INTO deliveries(id, message_id, recipient_member_id, status,"
        + " lease_owner, lease_until, attempts, created_at) VALUES (?,?,?,'pending',?,?,?,?)");
    for (String recipient : recipients) {
      String deliveryId = "dlv_" + UlidCreator.getMonotonicUlid();
      String owner = cmd.leases().ownerFor(recipient);
      delivery.setString(1, deliveryId);
      delivery.setString(2, messageId);
      delivery.setString(3, recipient);
      setNullableString(delivery, 4, owner);
      delivery.setLong(5, owner == null ? 0 : cmd.leaseUntil());
      delivery.setInt(6, owner == null ? 0 : 1);
      delivery.setLong(7, cmd.now());
      delivery.executeUpdate();
      deliveries.add(new AcceptOutcome.NewDelivery(deliveryId, recipient, owner));
    }
    return new AcceptOutcome.Accepted(messageId, historyId, cmd.now(), deliveries);
  }

  private static void collect(PreparedStatement p, List<String> into) throws SQLException {
    try (ResultSet rs = p.executeQuery()) {
      while (rs.next()) {
        into.add(rs.getString(1));
      }
    }
  }

  // ---- delivery ----

  @Override
  public CompletableFuture<List<LeasedDelivery>> leaseOpenDeliveries(
      String memberId, String owner, Collection<String> liveOwners, long now, long leaseUntil, int limit) {
    List<String> live = List.copyOf(liveOwners);
    return db.writeAsync(c -> {
      StringBuilder sql = new StringBuilder("SELECT d.id, d.recipient_member_id, ").append(MESSAGE_COLUMNS)
          .append(" FROM deliveries d JOIN messages m ON m.id = d.message_id")
          .append(" WHERE d.recipient_member_id = ? AND d.status = 'pending'")
          .append(" AND (d.lease_owner IS NULL OR d.lease_until <= ?");
      if (!live.isEmpty()) {
        sql.append(" OR d.lease_owner NOT IN (").append("?,".repeat(live.size() - 1)).append("?)");
      } else {
        sql.append(" OR 1");
      }
      sql.append(") ORDER BY d.rowid LIMIT ?");
      List<LeasedDelivery> leased = new ArrayList<>();
      try (PreparedStatement p = c.prepareStatement(sql.toString())) {
        int i = 1;
        p.setString(i++, memberId);
        p.setLong(i++, now);
        for (String o : live) {
          p.setString(i++, o);
        }
        p.setInt(i, limit);
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            leased.add(new LeasedDelivery(rs.getString(1), rs.getString(2), message(rs, 3)));
          }
        }
      }
      PreparedStatement update = db.cached(c,
          "UPDATE deliveries SET lease_owner = ?, lease_until = ?, attempts = attempts + 1 WHERE id = ?");
      for (LeasedDelivery d : leased) {
        update.setString(1, owner);
        update.setLong(2, leaseUntil);
        update.setString(3, d.deliveryId());
        update.executeUpdate();
      }
      return leased;
    });
  }

  private static StoredMessage message(ResultSet rs, int from) throws SQLException {
    int i = from;
    return new StoredMessage(rs.getString(i++), rs.getString(i++), rs.getString(i++), rs.getString(i++),
        rs.getString(i++), rs.getString(i++), rs.getString(i++), rs.getString(i++), rs.getString(i++),
        rs.getString(i++), rs.getString(i++), rs.getString(i++), rs.getString(i++), rs.getString(i++),
        rs.getLong(i));
  }

  @Override
  public List<String> membersWithDueDeliveries(long now) throws IOException {
    return db.read(c -> {
      try (PreparedStatement p = c.prepareStatement(
          "SELECT DISTINCT recipient_member_id FROM deliveries WHERE status = 'pending' AND lease_until <= ?")) {
        p.setLong(1, now);
        List<String> out = new ArrayList<>();
        collect(p, out);
        return out;
      }
    });
  }

  @Override
  public CompletableFuture<Boolean> completeDelivery(String deliveryId, String memberId, long now) {
    return db.writeAsync(c -> {
      PreparedStatement p = db.cached(c, "UPDATE deliveries SET status = 'done', completed_at = ?, lease_owner = NULL"
          + " WHERE id = ? AND recipient_member_id = ? AND status = 'pending'");
      p.setLong(1, now);
      p.setString(2, deliveryId);
      p.setString(3, memberId);
      return p.executeUpdate() == 1;
    });
  }

  @Override
  public long openDeliveries(String memberId) throws IOException {
    return db.read(c -> {
      try (PreparedStatement p = c.prepareStatement(
          "SELECT count(*) FROM deliveries WHERE recipient_member_id = ? AND status = 'pending'")) {
        p.setString(1, memberId);
        try (ResultSet rs = p.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }

  // ---- retention ----

  @Override
  public SweepResult sweep(long now, boolean permanentDedupe, long messagesBefore) throws IOException {
    return db.write(c -> {
      long dedupeDeleted = 0;
      if (!permanentDedupe) {
        try (PreparedStatement p = c.prepareStatement(
            "DELETE FROM client_message_dedupe WHERE expires_at IS NOT NULL AND expires_at <= ?")) {
          p.setLong(1, now);
          dedupeDeleted = p.executeUpdate();
        }
      }
      long historyGone;
      try (PreparedStatement p = c.prepareStatement("UPDATE client_message_dedupe SET history_available = 0"
          + " WHERE history_available = 1 AND broker_message_id IN (SELECT id FROM messages WHERE created_at < ?)")) {
        p.setLong(1, messagesBefore);
        historyGone = p.executeUpdate();
      }
      for (String sql : new String[] {
        "DELETE FROM deliveries WHERE message_id IN (SELECT id FROM messages WHERE created_at < ?)",
        "DELETE FROM history WHERE message_id IN (SELECT id FROM messages WHERE created_at < ?)",
      }) {
        try (PreparedStatement p = c.prepareStatement(sql)) {
          p.setLong(1, messagesBefore);
          p.executeUpdate();
        }
      }
      long messagesDeleted;
      try (PreparedStatement p = c.prepareStatement("DELETE FROM messages WHERE created_at < ?")) {
        p.setLong(1, messagesBefore);
        messagesDeleted = p.executeUpdate();
      }
      long orphans = countOrphans(c);
      return new SweepResult(dedupeDeleted, messagesDeleted, historyGone, orphans);
    });
  }

  private static long countOrphans(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM client_message_dedupe d WHERE d.history_available = 1"
            + " AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = d.broker_message_id)")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void setNullableLong(PreparedStatement p, int index, @Nullable Long value) throws SQLException {
    if (value == null) {
      p.setNull(index, Types.INTEGER);
    } else {
      p.setLong(index, value);
    }
  }

  private static void setNullableString(PreparedStatement p, int index, @Nullable String value) throws SQLException {
    if (value == null) {
      p.setNull(index, Types.VARCHAR);
    } else {
      p.setString(index, value);
    }
  }

  @Override
  public void close() {
    db.close();
  }
}
