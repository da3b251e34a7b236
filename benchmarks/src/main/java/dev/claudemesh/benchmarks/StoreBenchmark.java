package dev.claudemesh.benchmarks;

import dev.claudemesh.core.fingerprint.DestinationKind;
import dev.claudemesh.core.fingerprint.FingerprintRequest;
import dev.claudemesh.core.store.AcceptResult;
import dev.claudemesh.core.store.Inbox;
import dev.claudemesh.core.store.InboxMessage;
import dev.claudemesh.core.store.InboxPage;
import dev.claudemesh.core.store.InboxQuery;
import java.time.Instant;
import dev.claudemesh.core.store.Outbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Outbox accept throughput and latency against a one-row-per-transaction baseline with the same
 * durability (WAL, synchronous=FULL, fsync per commit), on the local disk.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.claudemesh.benchmarks.StoreBenchmark [seconds-per-phase] [dir] [inbox]</pre>
 *
 * <p>A third argument {@code inbox} runs only the inbox part.
 */
public final class StoreBenchmark {
  private StoreBenchmark() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    Path base = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("claudemesh-store-bench");
    System.out.printf(Locale.ROOT, "store benchmark: %d s per phase, files under %s%n", seconds, base);

    boolean inboxOnly = args.length > 2 && args[2].equals("inbox");
    if (inboxOnly) {
      inboxPaging(base.resolve("inbox"), 1_000_000);
      TempDirs.deleteRecursively(base);
      return;
    }
    double baseline = baseline(base.resolve("baseline"), seconds);
    System.out.printf(Locale.ROOT, "%-44s %10.0f ops/s%n", "baseline: 1 row per transaction, 1 thread", baseline);

    List<String> lines = new ArrayList<>();
    for (int callers : new int[] {1, 8, 64}) {
      Result result = accepts(base.resolve("outbox-" + callers), callers, seconds);
      lines.add(String.format(Locale.ROOT, "%-44s %10.0f ops/s  %5.2fx baseline  p50 %6.2f ms  p99 %6.2f ms",
          "outbox accept, " + callers + " concurrent caller(s)", result.throughput, result.throughput / baseline,
          result.p50Ms, result.p99Ms));
      System.out.println(lines.get(lines.size() - 1));
    }
    inboxPaging(base.resolve("inbox"), 1_000_000);
    TempDirs.deleteRecursively(base);
  }

  /** Fills an inbox to {@code rows} through the real insert path, then times page queries. */
  private static void inboxPaging(Path dir, int rows) throws Exception {
    Files.createDirectories(dir);
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    try (Inbox inbox = Inbox.builder(dir).open()) {
      AtomicLong next = new AtomicLong();
      long fillStart = System.nanoTime();
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 64; t++) {
        Thread thread = new Thread(() -> {
          try {
            for (long n; (n = next.getAndIncrement()) < rows; ) {
              inbox.insertIfNew(InboxMessage.builder().mesh("bench").senderMemberId("s" + (n % 50))
                  .clientMessageId("m" + n).senderPubkey("pub" + (n % 50)).senderName("s" + (n % 50))
                  .topic("t" + (n % 20)).body("message " + n).receivedAt(t0.plusMillis(n)).build());
            }
          } catch (IOException e) {
            throw new RuntimeException(e);
          }
        });
        threads.add(thread);
        thread.start();
      }
      for (Thread thread : threads) {
        thread.join();
      }
      double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
      System.out.printf(Locale.ROOT, "%-44s %10.0f ops/s  (%d rows in %.1f s)%n",
          "inbox insertIfNew, 64 concurrent callers", rows / fillSeconds, rows, fillSeconds);
      for (String shape : new String[] {"newest", "topic", "from", "deep cursor"}) {
        long[] samples = new long[2000];
        String cursor = null;
        for (int i = 0; i < samples.length; i++) {
          InboxQuery query = InboxQuery.newest().limit(50);
          if (shape.equals("topic")) {
            query.topic("t" + (i % 20));
          } else if (shape.equals("from")) {
            query.from("pub" + (i % 50));
          } else if (shape.equals("deep cursor")) {
            query.cursor(cursor);
          }
          long start = System.nanoTime();
          InboxPage page = inbox.query(query);
          samples[i] = System.nanoTime() - start;
          cursor = page.nextCursor().orElse(null);
        }
        Arrays.sort(samples);
        System.out.printf(Locale.ROOT, "%-44s p50 %6.3f ms  p99 %6.3f ms  (50 rows/page, %d rows)%n",
            "inbox page: " + shape, samples[1000] / 1e6, samples[1980] / 1e6, rows);
      }
    }
  }

  private static FingerprintRequest request(long n) {
    return FingerprintRequest.builder().destinationKind(DestinationKind.TOPIC).destinationRef("bench")
        .body("benchmark message " + n + " " + "x".repeat(200)).build();
  }

  /** One thread inserting rows of the outbox's shape, one transaction (and fsync) each. */
  private static double baseline(Path dir, int seconds) throws IOException, SQLException {
    Files.createDirectories(dir);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("baseline.db"))) {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=FULL");
        s.execute("CREATE TABLE outbox (id TEXT PRIMARY KEY, client_message_id TEXT NOT NULL UNIQUE,"
            + " request_fingerprint BLOB NOT NULL, payload BLOB NOT NULL, enqueued_at INTEGER NOT NULL,"
            + " attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL, status TEXT NOT NULL)");
        s.execute("CREATE INDEX outbox_pending ON outbox(status, next_attempt_at)");
      }
      byte[] fingerprint = new byte[32];
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      long count = 0;
      long start = System.nanoTime();
      try (PreparedStatement insert = c.prepareStatement(
          "INSERT INTO outbox VALUES (?, ?, ?, ?, ?, 0, ?, 'pending')")) {
        while (System.nanoTime() < end) {
          insert.setString(1, "row-" + count);
          insert.setString(2, "id-" + count);
          insert.setBytes(3, fingerprint);
          insert.setBytes(4, request(count).body().getBytes());
          insert.setLong(5, System.currentTimeMillis());
          insert.setLong(6, System.currentTimeMillis());
          insert.executeUpdate(); // autocommit: its own transaction and fsync
          count++;
        }
      }
      return count / ((System.nanoTime() - start) / 1e9);
    }
  }

  private static Result accepts(Path dir, int callers, int seconds) throws Exception {
    Files.createDirectories(dir);
    try (Outbox outbox = Outbox.builder(dir).open()) {
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong ids = new AtomicLong();
      CountDownLatch ready = new CountDownLatch(callers);
      List<long[]> latencies = new ArrayList<>();
      List<Thread> threads = new ArrayList<>();
      long[] counts = new long[callers];
      for (int t = 0; t < callers; t++) {
        int index = t;
        long[] samples = new long[2_000_000];
        latencies.add(samples);
        Thread thread = new Thread(() -> {
          ready.countDown();
          int n = 0;
          try {
            while (!stop.get()) {
              long id = ids.incrementAndGet();
              long t0 = System.nanoTime();
              AcceptResult r = outbox.accept("bench-" + id, request(id));
              long t1 = System.nanoTime();
              if (r.kind() != AcceptResult.Kind.QUEUED) {
                throw new IllegalStateException("unexpected " + r);
              }
              if (n < samples.length) {
                samples[n] = t1 - t0;
              }
              n++;
            }
          } catch (IOException e) {
            throw new RuntimeException(e);
          }
          counts[index] = n;
        });
        threads.add(thread);
        thread.start();
      }
      ready.await();
      long start = System.nanoTime();
      Thread.sleep(seconds * 1000L);
      stop.set(true);
      for (Thread thread : threads) {
        thread.join();
      }
      double elapsed = (System.nanoTime() - start) / 1e9;
      long total = Arrays.stream(counts).sum();
      long[] all = new long[(int) Math.min(total, Integer.MAX_VALUE - 8)];
      int k = 0;
      for (int t = 0; t < callers; t++) {
        int n = (int) Math.min(counts[t], latencies.get(t).length);
        System.arraycopy(latencies.get(t), 0, all, k, n);
        k += n;
      }
      long[] sorted = Arrays.copyOf(all, k);
      Arrays.sort(sorted);
      return new Result(total / elapsed, sorted[(int) (k * 0.50)] / 1e6, sorted[(int) Math.min(k - 1, k * 0.99)] / 1e6);
    }
  }

  private static final class Result {
    final double throughput;
    final double p50Ms;
    final double p99Ms;

    Result(double throughput, double p50Ms, double p99Ms) {
      this.throughput = throughput;
      this.p50Ms = p50Ms;
      this.p99Ms = p99Ms;
    }
  }
}
