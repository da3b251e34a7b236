package dev.claudemesh.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.claudemesh.core.protocol.CloseCodes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** close() stops every thread the broker started and refuses further use. */
class LifecycleTest {
  @TempDir Path dir;

  static List<String> brokerThreads() {
    List<String> names = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && (t.getName().startsWith("claudemesh-broker") || t.getName().startsWith("claudemesh-broker-db"))) {
        names.add(t.getName());
      }
    }
    return names;
  }

  @Test
  void closeStopsEveryThreadAndClosesConnectionsWith1001() throws Exception {
    ReferenceBroker broker = ReferenceBroker.builder().dbPath(dir.resolve("b.db")).build().start();
    OkHttpClient http = new OkHttpClient();
    TestClient c = new TestClient(http, broker.wsUrl());
    broker.createMesh("m");
    Thread.sleep(100);
    broker.close();
    assertEquals(CloseCodes.GOING_AWAY, c.awaitClose().code());
    for (int i = 0; i < 100 && !brokerThreads().isEmpty(); i++) {
      Thread.sleep(50);
    }
    assertEquals(List.of(), brokerThreads());
    assertThrows(IllegalStateException.class, broker::start);
    assertThrows(IllegalStateException.class, () -> broker.createMesh("late"));
    broker.close(); // idempotent
    http.dispatcher().executorService().shutdown();
  }

  @Test
  void builderRejectsImpossibleSettings() {
    assertThrows(IllegalStateException.class, () -> ReferenceBroker.builder().build());
    assertThrows(IllegalArgumentException.class, () -> ReferenceBroker.builder().dedupeRetentionScoped(2));
    assertThrows(IllegalArgumentException.class, () -> ReferenceBroker.builder().port(70000));
    assertThrows(IllegalStateException.class, () -> ReferenceBroker.builder().dbPath(dir.resolve("x.db"))
        .keepaliveInterval(java.time.Duration.ofSeconds(80)).build());
  }

  @Test
  void secondStartOnABusyPortFailsWithIoException() throws Exception {
    try (ReferenceBroker first = ReferenceBroker.builder().dbPath(dir.resolve("a.db")).build().start()) {
      ReferenceBroker second = ReferenceBroker.builder().dbPath(dir.resolve("b.db")).port(first.port()).build();
      assertThrows(IOException.class, second::start);
      second.close();
    }
  }
}
