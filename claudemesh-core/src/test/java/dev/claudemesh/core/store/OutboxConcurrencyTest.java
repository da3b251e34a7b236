package dev.claudemesh.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.core.fingerprint.DestinationKind;
import dev.claudemesh.core.fingerprint.FingerprintRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxConcurrencyTest {
  @TempDir Path dir;

  private static FingerprintRequest request(String body) {
    return FingerprintRequest.builder().destinationKind(DestinationKind.DM).destinationRef("ab".repeat(32)).body(body).build();
  }

  @Test
  void thirtyTwoThreadsRacingOnOneIdGetOneRowAndConsistentAnswers() throws Exception {
    try (Outbox outbox = Outbox.builder(dir).open()) {
      for (int round = 0; round < 20; round++) {
        String id = "race-" + round;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(32);
        List<Future<AcceptResult>> answers = new ArrayList<>();
        for (int t = 0; t < 32; t++) {
          FingerprintRequest request = request(t % 3 == 0 ? "variant-b" : "variant-a");
          answers.add(pool.submit(() -> {
            start.await();
            return outbox.accept(id, request);
          }));
        }
        start.countDown();
        List<AcceptResult> results = new ArrayList<>();
        for (Future<AcceptResult> answer : answers) {
          results.add(answer.get());
        }
        pool.shutdown();

        OutboxRow row = outbox.find(id).orElseThrow();
        boolean winnerIsA = row.request().body().equals("variant-a");
        long queued = results.stream().filter(r -> r.kind() == AcceptResult.Kind.QUEUED).count();
        assertEquals(1, queued, "exactly one accept inserts");
        for (int t = 0; t < 32; t++) {
          AcceptResult r = results.get(t);
          boolean sameAsWinner = (t % 3 == 0) != winnerIsA;
          if (r.kind() == AcceptResult.Kind.QUEUED) {
            assertTrue(sameAsWinner, "the inserted row holds the inserting request");
          } else {
            assertEquals(sameAsWinner ? AcceptResult.Kind.PENDING_MATCH : AcceptResult.Kind.PENDING_MISMATCH, r.kind());
          }
        }
      }
      assertEquals(20L, outbox.depth().get(OutboxStatus.PENDING));
    }
  }

  @Test
  void thirtyTwoThreadsTimesAThousandDistinctIdsAllLand() throws Exception {
    try (Outbox outbox = Outbox.builder(dir).open()) {
      ExecutorService pool = Executors.newFixedThreadPool(32);
      List<Future<Integer>> workers = new ArrayList<>();
      for (int t = 0; t < 32; t++) {
        int thread = t;
        workers.add(pool.submit((Callable<Integer>) () -> {
          int queued = 0;
          for (int i = 0; i < 1000; i++) {
            AcceptResult r = outbox.accept("t" + thread + "-" + i, request("body " + thread + "/" + i));
            if (r.kind() == AcceptResult.Kind.QUEUED) {
              queued++;
            }
          }
          return queued;
        }));
      }
      int total = 0;
      for (Future<Integer> worker : workers) {
        total += worker.get(); // an SQLITE_BUSY would surface here as an exception
      }
      pool.shutdown();
      assertEquals(32_000, total);
      Map<OutboxStatus, Long> depth = outbox.depth();
      assertEquals(32_000L, depth.get(OutboxStatus.PENDING));
      assertTrue(outbox.commits() < 32_000, "group commit shared transactions: " + outbox.commits());
    }
  }
}
