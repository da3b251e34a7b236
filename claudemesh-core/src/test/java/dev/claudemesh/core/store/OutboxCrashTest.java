package dev.claudemesh.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability by killing: a child JVM accepts sends and prints each id after its accept returned;
 * it is SIGKILLed at random moments, 25 times, on the same directory. After every kill each
 * printed id must be in the outbox exactly once, nothing inflight, integrity intact.
 */
class OutboxCrashTest {
  private static final int ROUNDS = 25;

  @TempDir Path dir;

  @Test
  void everyAcknowledgedAcceptSurvivesSigkill() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    Set<String> acknowledged = new HashSet<>();
    long previousRows = 0;
    int inflightAtKill = 0;
    for (int round = 0; round < ROUNDS; round++) {
      String context = "round " + round + ", seed " + seed;
      Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), OutboxCrashChild.class.getName(), dir.toString(),
          Integer.toString(round))
          .redirectError(ProcessBuilder.Redirect.INHERIT)
          .start();
      List<String> printed = new ArrayList<>();
      Thread reader = new Thread(() -> {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = lines.readLine()) != null; ) {
            synchronized (printed) {
              printed.add(line);
              printed.notifyAll();
            }
          }
        } catch (IOException ignored) {
          // the child died mid-line
        }
      });
      reader.start();
      synchronized (printed) {
        long deadline = System.currentTimeMillis() + 60_000;
        while (printed.size() < 5 && System.currentTimeMillis() < deadline && child.isAlive()) {
          printed.wait(100);
        }
      }
      assertTrue(child.isAlive(), "child died on its own in " + context);
      Thread.sleep(50 + random.nextInt(750));
      child.destroyForcibly(); // SIGKILL
      assertTrue(child.waitFor(30, TimeUnit.SECONDS));
      assertEquals(137, child.exitValue(), "killed by SIGKILL, not stopped gracefully, in " + context);
      reader.join(10_000);
      synchronized (printed) {
        for (String line : printed) {
          if (line.startsWith("ACCEPTED ") && line.length() > 9) {
            acknowledged.add(line.substring(9));
          }
        }
      }

      inflightAtKill += count("SELECT COUNT(*) FROM outbox WHERE status = 'inflight'");
      try (Outbox outbox = Outbox.builder(dir).open()) { // recovery runs here
        for (String id : acknowledged) {
          assertTrue(outbox.find(id).isPresent(), "acknowledged id " + id + " lost in " + context);
        }
      }
      assertEquals(0, count("SELECT COUNT(*) FROM outbox WHERE status = 'inflight'"), context);
      assertEquals(0, count("SELECT COUNT(*) FROM (SELECT client_message_id FROM outbox GROUP BY client_message_id HAVING COUNT(*) > 1)"), context);
      assertEquals("ok", integrity(), context);
      long rows = count("SELECT COUNT(*) FROM outbox");
      assertTrue(rows >= previousRows && rows >= acknowledged.size(), context);
      previousRows = rows;
    }
    assertTrue(acknowledged.size() > ROUNDS * 5, "only " + acknowledged.size() + " accepts acknowledged");
    System.out.printf("crash test: %d rounds, %d acknowledged accepts, %d rows inflight at kill time in total%n",
        ROUNDS, acknowledged.size(), inflightAtKill);
  }

  private long count(String sql) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("outbox.db"));
        Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private String integrity() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("outbox.db"));
        Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
      rs.next();
      return rs.getString(1);
    }
  }
}
