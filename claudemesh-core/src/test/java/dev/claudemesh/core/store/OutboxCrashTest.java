package dev.claudemesh.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.claudemesh.core.fingerprint.FingerprintRequest;
import dev.claudemesh.core.fingerprint.RequestFingerprint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

/**
 * Durability is tested by killing processes (SPEC §4.1, §4.8): a child JVM ({@link
 * OutboxCrashChild}) accepts sends from several threads and prints each id only after its accept
 * returned, while claiming and finishing rows so some are inflight; it is SIGKILLed at a random
 * moment, {@value #ROUNDS} times on the same directory. After every kill:
 *
 * <ul>
 *   <li>the crash state, read through a read-only connection, passes {@code integrity_check} and
 *       holds every row the child reported claimed-and-not-yet-marked as inflight;
 *   <li>reopening the outbox recovers exactly the inflight rows (pending, {@code attempts+1})
 *       and changes no other row;
 *   <li>every id ever printed as accepted is there exactly once, with the request it was sent
 *       with; nothing is inflight; the row count never shrinks; {@code integrity_check} is ok.
 * </ul>
 *
 * Rerun a failure's kill timings with {@code -Dclaudemesh.crashtest.seed=<seed>} (process
 * scheduling is not reproducible, so the seed only fixes delays and the child's choices).
 */
class OutboxCrashTest {
  static final int ROUNDS = 25;
  private static final int MIN_ACCEPTED_BEFORE_KILL = 5;
  private static final int OLD_IDS_CHECKED_PER_ROUND = 300;

  @TempDir Path tmp;

  private Path outboxDir;
  private Path db;

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void everyAcknowledgedAcceptSurvivesSigkillAndInflightRowsAreRecovered() throws Exception {
    outboxDir = Files.createDirectories(tmp.resolve("daemon"));
    db = outboxDir.resolve("outbox.db");
    Path nativeDir = Files.createDirectories(tmp.resolve("native")); // sqlite-jdbc's extracted library
    long seed = Long.getLong("claudemesh.crashtest.seed", System.nanoTime());
    Random random = new Random(seed);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = System.getProperty("java.class.path");

    Set<String> acknowledged = new LinkedHashSet<>();
    List<String> acknowledgedList = new ArrayList<>();
    history.clear();
    long previousRows = 0;
    long inflightAtKillTotal = 0;
    int inflightAtKillMax = 0;
    long heldInflightTotal = 0;
    long start = System.nanoTime();
    long checkNanos = 0;

    Outbox.builder(outboxDir).open().close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE audit (seq INTEGER PRIMARY KEY AUTOINCREMENT, cmid TEXT, pk TEXT, old TEXT, new TEXT, err TEXT, attempts INTEGER, total INTEGER)");
      s.execute("CREATE TRIGGER audit_status AFTER UPDATE OF status ON outbox BEGIN INSERT INTO audit (cmid, pk, old, new, err, attempts, total) VALUES (new.client_message_id, new.id, old.status, new.status, new.last_error, new.attempts, total_changes()); END");
    }
    for (int round = 0; round < ROUNDS; round++) {
      String tag = String.format("r%02d", round);
      String context = "round " + round + " of " + ROUNDS + ", seed " + seed
          + " (rerun with -Dclaudemesh.crashtest.seed=" + seed + ")";
      Path stderr = tmp.resolve("child-" + tag + ".stderr");
      Path protocolFile = tmp.resolve("child-" + tag + ".protocol");
      ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
          "-Dorg.sqlite.tmpdir=" + nativeDir, "-cp", classpath, OutboxCrashChild.class.getName(),
          outboxDir.toString(), tag, Long.toString(random.nextLong()), protocolFile.toString())
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(stderr.toFile());
      Process child = builder.start();
      ChildOutput output = new ChildOutput(protocolFile, child);
      List<String> lines;
      try {
        output.start();
        if (!output.awaitAccepted(MIN_ACCEPTED_BEFORE_KILL, 60_000, child)) {
          fail("child printed " + output.accepted() + " ACCEPTED lines before "
              + (child.isAlive() ? "the 60 s timeout" : "exiting with " + child.exitValue()) + " in " + context
              + "; classpath " + classpath.length() + " chars; output " + output.lines() + "; stderr: "
              + tail(stderr));
        }
        Thread.sleep(50 + random.nextInt(751));
        if (!child.isAlive()) {
          fail("child exited by itself with " + child.exitValue() + " in " + context + "; output tail "
              + lastOf(output.lines(), 5) + "; stderr: " + tail(stderr));
        }
        assertTrue(child.supportsNormalTermination(), "destroy() would not be graceful here, so destroyForcibly()"
            + " cannot be told apart from it");
        child.destroyForcibly(); // SIGKILL on Unix
        assertTrue(child.waitFor(30, TimeUnit.SECONDS), "killed child did not exit in " + context);
      } finally {
        if (child.isAlive()) {
          child.destroyForcibly();
        }
      }
      assertEquals(128 + 9, child.exitValue(), "child must die of SIGKILL (128 + 9), not stop in an orderly way, in "
          + context + "; stderr: " + tail(stderr));
      output.join(30_000);
      lines = output.lines();
      for (String line : lines) {
        history.add(tag + ": " + line);
      }

      long checkStart = System.nanoTime();
      // ---- what the child said
      List<String> acceptedThisRound = new ArrayList<>();
      Map<String, Claim> claims = new LinkedHashMap<>();
      for (String line : lines) {
        String[] f = line.split(" ");
        switch (f[0]) {
          case "ACCEPTED":
            acceptedThisRound.add(f[1]);
            if (!acknowledged.add(f[1])) {
              fail("id " + f[1] + " printed as ACCEPTED twice (ids are fresh per round) in " + context);
            }
            acknowledgedList.add(f[1]);
            break;
          case "CLAIMED":
            claims.put(f[1], new Claim(Integer.parseInt(f[2])));
            break;
          case "MARKING":
            claimOf(claims, f[1], line, context).op = f[2];
            break;
          case "MARKED":
            claimOf(claims, f[1], line, context).marked = true;
            break;
          case "READY":
            break;
          case "FAIL":
          case "SHUTDOWN_HOOK":
          default:
            fail("child printed \"" + line + "\" in " + context + "; stderr: " + tail(stderr));
        }
      }
      assertTrue(acceptedThisRound.size() >= MIN_ACCEPTED_BEFORE_KILL, context);

      // ---- the crash state, before anything recovers it
      Snapshot crash = snapshot(true, context);
      assertEquals("ok", crash.integrity, "integrity_check of the crash state in " + context);
      int inflightAtKill = crash.count("inflight");
      inflightAtKillTotal += inflightAtKill;
      inflightAtKillMax = Math.max(inflightAtKillMax, inflightAtKill);
      List<String> heldInflight = new ArrayList<>();
      for (Map.Entry<String, Claim> e : claims.entrySet()) {
        String id = e.getKey();
        Claim claim = e.getValue();
        Row row = crash.rows.get(id);
        assertTrue(row != null, "claimed id " + id + " missing from the crash state in " + context);
        Row inflight = new Row("inflight", claim.attempts);
        if (claim.op == null) {
          heldInflight.add(id);
          assertEquals(inflight, row, "row " + id + " claimed and not yet marked must be inflight as claimed, in "
              + context + "; child lines: " + historyOf(id));
        } else {
          List<Row> allowed = new ArrayList<>();
          if (!claim.marked) {
            allowed.add(inflight); // the mark may not have committed
          }
          if (claim.op.equals("retry")) {
            allowed.add(new Row("pending", claim.attempts + 1));
            allowed.add(new Row("inflight", claim.attempts + 1)); // claimed again, not printed yet
          } else {
            allowed.add(new Row(claim.op, claim.attempts));
          }
          assertTrue(allowed.contains(row), "row " + id + " after MARKING " + claim.op + (claim.marked ? "/MARKED" : "")
              + " at attempts " + claim.attempts + " is " + row + ", expected one of " + allowed + " in " + context
              + "; child lines: " + historyOf(id));
        }
      }
      heldInflightTotal += heldInflight.size();

      // ---- reopen: recovery
      try (Outbox outbox = Outbox.builder(outboxDir).open()) {
        Map<OutboxStatus, Long> depth = outbox.depth();
        assertEquals(0L, depth.get(OutboxStatus.INFLIGHT), "inflight rows after reopening in " + context);
        assertEquals((long) crash.rows.size(), depth.values().stream().mapToLong(Long::longValue).sum(),
            "row count changed by reopening in " + context);
        List<String> viaFind = new ArrayList<>(acceptedThisRound);
        int older = acknowledgedList.size() - acceptedThisRound.size();
        for (int i = 0; i < Math.min(older, OLD_IDS_CHECKED_PER_ROUND); i++) {
          viaFind.add(acknowledgedList.get(random.nextInt(older)));
        }
        for (String id : viaFind) {
          OutboxRow row = outbox.find(id).orElse(null);
          assertTrue(row != null, "acknowledged id " + id + " not found via find() in " + context);
          FingerprintRequest expected = OutboxCrashChild.requestFor(id);
          assertTrue(row.fingerprint().matches(RequestFingerprint.of(expected)),
              "row " + id + " holds another request's fingerprint in " + context);
          assertTrue(RequestFingerprint.of(row.request()).matches(row.fingerprint()),
              "row " + id + " payload does not match its frozen fingerprint in " + context);
          assertEquals(expected.body(), row.request().body(), "body of " + id + " in " + context);
          assertEquals(expected.destinationRef(), row.request().destinationRef(), "destination of " + id);
        }
        for (String id : heldInflight) {
          OutboxRow row = outbox.find(id).orElseThrow();
          assertEquals(OutboxStatus.PENDING, row.status(), "recovered " + id + " in " + context);
          assertEquals(claims.get(id).attempts + 1, row.attempts(), "attempts of recovered " + id + " in " + context);
        }
      }

      // ---- after close: plain connection
      Snapshot after = snapshot(false, context);
      assertEquals("ok", after.integrity, "integrity_check after recovery in " + context);
      assertEquals(after.rows.size(), after.total, "rows vs. rows read in " + context);
      assertEquals(after.total, after.distinctIds, "some client_message_id has several rows in " + context);
      assertEquals(0, after.count("inflight"), "inflight rows after recovery in " + context);
      List<String> missing = acknowledged.stream().filter(id -> !after.rows.containsKey(id)).collect(Collectors.toList());
      assertTrue(missing.isEmpty(), missing.size() + " acknowledged id(s) lost in " + context + ": "
          + missing.subList(0, Math.min(20, missing.size())));
      assertEquals(crash.rows.keySet(), after.rows.keySet(), "reopening added or removed rows in " + context);
      for (Map.Entry<String, Row> e : crash.rows.entrySet()) {
        Row before = e.getValue();
        Row expected = before.status.equals("inflight") ? new Row("pending", before.attempts + 1) : before;
        assertEquals(expected, after.rows.get(e.getKey()), "row " + e.getKey() + " was " + before
            + " at the kill; recovery must move only inflight rows, to pending with attempts+1, in " + context);
      }
      assertTrue(after.total >= previousRows, "row count went from " + previousRows + " to " + after.total
          + " in " + context);
      previousRows = after.total;
      checkNanos += System.nanoTime() - checkStart;
    }

    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    System.out.printf("OutboxCrashTest: seed %d, %d rounds in %d ms (checks %d ms), %d acknowledged accepts,"
            + " %d rows, inflight at kill: %d in total (avg %.1f, max %d), %d of them known held by the child%n",
        seed, ROUNDS, elapsedMs, TimeUnit.NANOSECONDS.toMillis(checkNanos), acknowledged.size(), previousRows,
        inflightAtKillTotal, inflightAtKillTotal / (double) ROUNDS, inflightAtKillMax, heldInflightTotal);
    assertTrue(inflightAtKillTotal > 0, "no round caught a row inflight; the test exercises no recovery (seed "
        + seed + ")");
  }

  /** Every line the child printed so far, prefixed with its round. */
  private final List<String> history = new ArrayList<>();

  private List<String> historyOf(String id) {
    return history.stream().filter(line -> line.contains(" " + id + " ") || line.endsWith(" " + id))
        .collect(Collectors.toList());
  }

  private static Claim claimOf(Map<String, Claim> claims, String id, String line, String context) {
    Claim claim = claims.get(id);
    if (claim == null) {
      fail("\"" + line + "\" without an earlier CLAIMED in " + context);
    }
    return claim;
  }

  /** Every row's status and attempts, counts and integrity, read straight from outbox.db. */
  private Snapshot snapshot(boolean readOnly, String context) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(readOnly); // read-only: no checkpoint on close, the outbox sees the raw crash state
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db, config.toProperties());
        Statement s = c.createStatement()) {
      Snapshot snapshot = new Snapshot();
      try (ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
        StringBuilder text = new StringBuilder();
        while (rs.next()) {
          text.append(text.length() == 0 ? "" : "; ").append(rs.getString(1));
        }
        snapshot.integrity = text.toString();
      }
      try (ResultSet rs = s.executeQuery("SELECT COUNT(*), COUNT(DISTINCT client_message_id) FROM outbox")) {
        rs.next();
        snapshot.total = rs.getLong(1);
        snapshot.distinctIds = rs.getLong(2);
      }
      try (ResultSet rs = s.executeQuery("SELECT client_message_id, status, attempts FROM outbox")) {
        while (rs.next()) {
          if (snapshot.rows.put(rs.getString(1), new Row(rs.getString(2), rs.getInt(3))) != null) {
            fail("client_message_id " + rs.getString(1) + " has several rows in " + context);
          }
        }
      }
      return snapshot;
    }
  }

  private static String tail(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      return text.isEmpty() ? "(empty)" : text.substring(Math.max(0, text.length() - 2000));
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  private static List<String> lastOf(List<String> list, int n) {
    return list.subList(Math.max(0, list.size() - n), list.size());
  }

  private static final class Claim {
    final int attempts;
    String op;
    boolean marked;

    Claim(int attempts) {
      this.attempts = attempts;
    }
  }

  private static final class Row {
    final String status;
    final int attempts;

    Row(String status, int attempts) {
      this.status = status;
      this.attempts = attempts;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Row && ((Row) o).status.equals(status) && ((Row) o).attempts == attempts;
    }

    @Override
    public int hashCode() {
      return status.hashCode() * 31 + attempts;
    }

    @Override
    public String toString() {
      return status + "/attempts=" + attempts;
    }
  }

  private static final class Snapshot {
    final Map<String, Row> rows = new HashMap<>();
    String integrity = "";
    long total;
    long distinctIds;

    int count(String status) {
      return (int) rows.values().stream().filter(r -> r.status.equals(status)).count();
    }
  }

  /**
   * Reads the child's stdout to the end on its own thread (so the pipe never fills), keeping the
   * complete lines; a last line without its newline was cut by the kill and is dropped.
   */
  /**
   * Follows the child's protocol file. A file, not the stdout pipe: bytes the child wrote before
   * the kill are in the file whatever the JDK's pipe draining does when the process dies.
   */
  private static final class ChildOutput extends Thread {
    private final Path file;
    private final Process child;
    private final List<String> lines = new ArrayList<>();
    private int accepted;

    ChildOutput(Path file, Process child) {
      super("crash-child-protocol");
      this.file = file;
      this.child = child;
      setDaemon(true);
    }

    @Override
    public void run() {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      long position = 0;
      byte[] buffer = new byte[8192];
      try {
        while (true) {
          boolean dead = !child.isAlive(); // read once more after death: the last bytes
          if (Files.exists(file)) {
            try (java.io.RandomAccessFile in = new java.io.RandomAccessFile(file.toFile(), "r")) {
              in.seek(position);
              for (int n; (n = in.read(buffer)) > 0; ) {
                position += n;
                for (int i = 0; i < n; i++) {
                  if (buffer[i] != '\n') {
                    line.write(buffer[i]);
                    continue;
                  }
                  String text = line.toString(StandardCharsets.UTF_8);
                  line.reset();
                  synchronized (this) {
                    lines.add(text);
                    if (text.startsWith("ACCEPTED ")) {
                      accepted++;
                    }
                    notifyAll();
                  }
                }
              }
            }
          }
          if (dead) {
            return; // whatever is left in `line` had no newline: cut by the kill, dropped
          }
          Thread.sleep(2);
        }
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException("reading " + file + " failed", e);
      }
    }

    synchronized int accepted() {
      return accepted;
    }

    synchronized List<String> lines() {
      return new ArrayList<>(lines);
    }

    synchronized boolean awaitAccepted(int count, long timeoutMs, Process child) throws InterruptedException {
      long deadline = System.currentTimeMillis() + timeoutMs;
      while (accepted < count && child.isAlive()) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          return false;
        }
        wait(Math.min(left, 100));
      }
      return accepted >= count;
    }
  }
}
