package dev.claudemesh.daemon.cli;

import dev.claudemesh.core.identity.DaemonPaths;
import dev.claudemesh.core.internal.SecureFiles;
import dev.claudemesh.core.store.Outbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code claudemesh daemon recover} (SPEC §4.8): when {@code outbox.db} fails {@code PRAGMA
 * integrity_check}, it is moved (with its WAL and shared-memory files) to {@code
 * outbox.db.corrupt-<ts>}, a fresh outbox is created by core (same schema), and every row that
 * can still be read is copied over, row by row by rowid, skipping and counting unreadable ones.
 * The moved file is never modified: rows are read from a scratch copy.
 */
final class OutboxSalvage {
  private static final String[] SUFFIXES = {"", "-wal", "-shm"};

  private OutboxSalvage() {}

  /** What recover did. */
  record Result(boolean corrupt, String integrity, @Nullable Path movedTo, long copied,
      long unreadable, @Nullable String tableError) {
    String describe() {
      if (!corrupt) {
        return "outbox.db passed its integrity check; nothing to recover";
      }
      return "outbox.db failed its integrity check (" + integrity + "); moved to " + movedTo
          + "; a fresh outbox.db holds the " + copied + " row(s) that could be read, " + unreadable
          + " unreadable row(s) were skipped"
          + (tableError == null ? "" : " (the table could not be walked past: " + tableError + ")")
          + ". Start the daemon again with `claudemesh daemon up`";
    }
  }

  static Result recover(DaemonPaths paths, Clock clock) throws IOException {
    Path db = paths.outboxDb();
    if (!Files.exists(db)) {
      return new Result(false, "no outbox.db", null, 0, 0, null);
    }
    String integrity = integrityCheck(db);
    if ("ok".equals(integrity)) {
      return new Result(false, integrity, null, 0, 0, null);
    }
    String stamp = Long.toString(clock.millis());
    Path moved = db.resolveSibling(db.getFileName() + ".corrupt-" + stamp);
    for (String suffix : SUFFIXES) {
      Path from = db.resolveSibling(db.getFileName() + suffix);
      if (Files.exists(from)) {
        Files.move(from, moved.resolveSibling(moved.getFileName() + suffix),
            StandardCopyOption.ATOMIC_MOVE);
      }
    }
    SecureFiles.fsyncDirectory(paths.dir());
    // A fresh outbox with core's schema; closed again before rows are copied in.
    Outbox.builder(paths.dir()).open().close();

    Path scratch = paths.dir().resolve(".recover-scratch-" + stamp);
    Path scratchDir = SecureFiles.createPrivateDirectories(scratch);
    try {
      Path copy = scratchDir.resolve("outbox.db");
      for (String suffix : SUFFIXES) {
        Path from = moved.resolveSibling(moved.getFileName() + suffix);
        if (Files.exists(from)) {
          Files.copy(from, copy.resolveSibling("outbox.db" + suffix));
        }
      }
      return copyRows(copy, db, integrity, moved);
    } finally {
      MeshCommands.deleteTree(scratchDir);
    }
  }

  private static Result copyRows(Path from, Path to, String integrity, Path moved)
      throws IOException {
    long copied = 0;
    long unreadable = 0;
    String tableError = null;
    try (Connection target = DriverManager.getConnection("jdbc:sqlite:" + to)) {
      List<String> columns = columns(target);
      String list = String.join(", ", columns);
      String marks = String.join(", ", java.util.Collections.nCopies(columns.size(), "?"));
      String select = "SELECT " + list + " FROM outbox WHERE rowid = ?";
      target.setAutoCommit(false);
      Connection source = DriverManager.getConnection("jdbc:sqlite:" + from);
      try (PreparedStatement write = target.prepareStatement(
          "INSERT INTO outbox (" + list + ") VALUES (" + marks + ")")) {
        long last = lastRowid(source);
        PreparedStatement read = source.prepareStatement(select);
        for (long rowid = 1; rowid <= last; rowid++) {
          Object[] values;
          try {
            read.setLong(1, rowid);
            try (ResultSet rs = read.executeQuery()) {
              if (!rs.next()) {
                continue; // no row with this rowid: nothing lost
              }
              values = new Object[columns.size()];
              for (int i = 0; i < values.length; i++) {
                values[i] = rs.getObject(i + 1);
              }
            }
          } catch (SQLException e) {
            unreadable++;
            // a connection that hit SQLITE_CORRUPT may refuse what follows: start afresh
            source.close();
            source = DriverManager.getConnection("jdbc:sqlite:" + from);
            read = source.prepareStatement(select);
            continue;
          }
          try {
            for (int i = 0; i < values.length; i++) {
              write.setObject(i + 1, values[i]);
            }
            write.executeUpdate();
            copied++;
          } catch (SQLException e) {
            unreadable++; // garbage that violates the schema counts as unreadable
          }
        }
        if (last == 0) {
          tableError = "no row id could be read";
        }
      } finally {
        source.close();
      }
      target.commit();
    } catch (SQLException e) {
      tableError = e.getMessage();
    }
    return new Result(true, integrity, moved, copied, unreadable, tableError);
  }

  /** The highest rowid any way of asking still answers (the B-tree may be broken in places). */
  private static long lastRowid(Connection source) {
    long last = 0;
    for (String sql : new String[] {"SELECT max(rowid) FROM outbox",
        "SELECT rowid FROM outbox ORDER BY rowid DESC LIMIT 1"}) {
      try (Statement s = source.createStatement(); ResultSet rs = s.executeQuery(sql)) {
        if (rs.next()) {
          last = Math.max(last, rs.getLong(1));
        }
      } catch (SQLException e) {
        // try the next way
      }
    }
    try (Statement s = source.createStatement();
        ResultSet rs = s.executeQuery("SELECT rowid FROM outbox ORDER BY rowid")) {
      while (rs.next()) {
        last = Math.max(last, rs.getLong(1));
      }
    } catch (SQLException e) {
      // a forward walk stops at the first broken page; what it saw counts
    }
    // A broken leaf page at the end can hide rowids beyond what was seen; probe a margin past it.
    return last == 0 ? 0 : last + 1024;
  }

  private static List<String> columns(Connection target) throws SQLException {
    List<String> columns = new ArrayList<>();
    try (Statement s = target.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA table_info(outbox)")) {
      while (rs.next()) {
        columns.add(rs.getString("name"));
      }
    }
    return columns;
  }

  /** {@code PRAGMA integrity_check} as one line; a file SQLite cannot open is not "ok". */
  static String integrityCheck(Path db) {
    // read-write on purpose: no daemon runs, and a read-only open of a WAL file without its
    // shared-memory file fails, which would look like corruption
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
      StringBuilder out = new StringBuilder();
      while (rs.next() && out.length() < 300) {
        out.append(out.length() == 0 ? "" : "; ").append(rs.getString(1).replace('\n', ' '));
      }
      return out.length() > 300 ? out.substring(0, 300) + "..." : out.toString();
    } catch (SQLException e) {
      return e.getMessage();
    }
  }
}
