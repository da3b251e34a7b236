package dev.claudemesh.core.store;

import dev.claudemesh.core.internal.SecureFiles;
import dev.claudemesh.core.internal.SqliteFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

/**
 * Forward-only schema migrations. Each database records its version in {@code PRAGMA
 * user_version}; the daemon directory's {@code schema_version} file (0644) records the version the
 * stores were last brought to. A version newer than this code knows refuses to open.
 */
final class StoreSchema {
  /** The schema version this code writes. */
  static final int CURRENT = 1;

  /** Statements that bring the outbox from version i to i + 1, at index i. */
  static final List<List<String>> OUTBOX = List.of(
      List.of(
          "CREATE TABLE outbox ("
              + " id TEXT PRIMARY KEY, client_message_id TEXT NOT NULL UNIQUE,"
              + " request_fingerprint BLOB NOT NULL, payload BLOB NOT NULL,"
              + " enqueued_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
              + " next_attempt_at INTEGER NOT NULL,"
              + " status TEXT NOT NULL CHECK(status IN ('pending','inflight','done','dead','aborted')),"
              + " last_error TEXT, delivered_at INTEGER, broker_message_id TEXT, history_id TEXT,"
              + " aborted_at INTEGER, aborted_by TEXT, superseded_by TEXT,"
              + " destination_kind TEXT NOT NULL, destination_ref TEXT NOT NULL, priority TEXT NOT NULL,"
              + " payload_bytes INTEGER NOT NULL, sealed_nonce TEXT, sealed_ciphertext TEXT,"
              + " history_available INTEGER)",
          "CREATE INDEX outbox_pending ON outbox(status, next_attempt_at)",
          "CREATE INDEX outbox_aborted ON outbox(status, aborted_at) WHERE status='aborted'",
          "CREATE INDEX outbox_status_enqueued ON outbox(status, enqueued_at, id)"));

  /** Statements that bring the inbox from version i to i + 1, at index i. */
  static final List<List<String>> INBOX = List.of(
      List.of(
          "CREATE TABLE inbox ("
              + " id TEXT PRIMARY KEY, client_message_id TEXT NOT NULL, mesh TEXT NOT NULL,"
              + " sender_member_id TEXT NOT NULL,"
              + " broker_message_id TEXT, topic TEXT, sender_pubkey TEXT NOT NULL,"
              + " sender_name TEXT NOT NULL, body TEXT, meta TEXT, priority TEXT,"
              + " received_at INTEGER NOT NULL, reply_to_id TEXT,"
              + " UNIQUE(mesh, sender_member_id, client_message_id))",
          "CREATE INDEX inbox_received ON inbox(received_at, id)",
          "CREATE INDEX inbox_topic ON inbox(topic, received_at, id)",
          "CREATE INDEX inbox_sender ON inbox(sender_pubkey, received_at, id)",
          "CREATE TABLE inbox_maintenance (name TEXT PRIMARY KEY, last_run_at INTEGER NOT NULL)"));

  private StoreSchema() {}

  /** Thrown when a file was written by a newer claudemesh. */
  static final class SchemaTooNewException extends IOException {
    private static final long serialVersionUID = 1L;

    SchemaTooNewException(String what, long version) {
      super(what + " has schema_version " + version + ", newer than this claudemesh supports ("
          + CURRENT + "); upgrade claudemesh to open it");
    }
  }

  /** Refuses a directory whose {@code schema_version} is newer than {@link #CURRENT}. */
  static void checkDirectory(Path schemaVersionFile) throws IOException {
    if (!Files.exists(schemaVersionFile)) {
      return;
    }
    String text = Files.readString(schemaVersionFile, StandardCharsets.US_ASCII).trim();
    long version;
    try {
      version = Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IOException("schema_version does not hold an integer: \"" + text + "\"");
    }
    if (version > CURRENT) {
      throw new SchemaTooNewException("schema_version", version);
    }
  }

  static void recordDirectory(Path schemaVersionFile) throws IOException {
    SecureFiles.writeAtomically(schemaVersionFile,
        (CURRENT + "\n").getBytes(StandardCharsets.US_ASCII), SecureFiles.FILE_0644);
  }

  /** Brings {@code db} to {@link #CURRENT} in one transaction; refuses a newer database. */
  static void migrate(SqliteFile db, List<List<String>> steps, String what) throws IOException {
    long found = db.write(c -> {
      long version;
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
        version = rs.next() ? rs.getLong(1) : 0;
      }
      if (version > CURRENT) {
        return version; // leave it untouched
      }
      try (Statement s = c.createStatement()) {
        for (long v = version; v < CURRENT; v++) {
          for (String sql : steps.get((int) v)) {
            s.execute(sql);
          }
        }
        s.execute("PRAGMA user_version=" + CURRENT);
      }
      return version;
    });
    if (found > CURRENT) {
      throw new SchemaTooNewException(what, found);
    }
  }
}
