package dev.claudemesh.core.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes racing {@code close()} end, one way or the other; none waits forever. */
class SqliteFileCloseTest {
  @TempDir Path dir;

  @Test
  void writesRacingCloseAllFinish() throws Exception {
    for (int round = 0; round < 40; round++) {
      SqliteFile db = SqliteFile.open(dir.resolve("race-" + round + ".db"), "race");
      db.write(c -> {
        try (Statement s = c.createStatement()) {
          s.execute("CREATE TABLE t (v INTEGER)");
        }
        return null;
      });
      List<CompletableFuture<Void>> writers = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        boolean async = w % 2 == 0;
        writers.add(CompletableFuture.runAsync(() -> {
          for (int i = 0; i < 10_000; i++) {
            try {
              if (async) {
                db.writeAsync(c -> c.createStatement().executeUpdate("INSERT INTO t VALUES (1)")).join();
              } else {
                db.write(c -> c.createStatement().executeUpdate("INSERT INTO t VALUES (1)"));
              }
            } catch (IOException | java.util.concurrent.CompletionException e) {
              return; // closed: the expected way out
            }
          }
        }));
      }
      Thread.sleep(round % 5);
      db.close();
      for (CompletableFuture<Void> w : writers) {
        try {
          w.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
          throw new AssertionError("a write racing close() never finished in round " + round, e);
        } catch (ExecutionException e) {
          throw new AssertionError("a writer failed unexpectedly in round " + round, e.getCause());
        }
      }
      assertTrue(writers.stream().allMatch(CompletableFuture::isDone));
    }
  }
}
