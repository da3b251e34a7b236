package dev.claudemesh.testing;

import static dev.claudemesh.testing.Inboxes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.claudemesh.core.Peer;
import dev.claudemesh.core.SendRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Closing peers and the broker stops every thread they started. */
class NoThreadLeakTest {
  /**
   * Process-wide threads of libraries and the JDK, one per JVM whoever started them, which no
   * single client can stop: OkHttp's task runner and Okio's timeout watchdog (both end after about
   * a minute idle), JNA's cleaner (libsodium bindings), the JDK's process reaper (host probes run
   * commands) and the Prometheus client's shared scheduler.
   */
  private static final List<String> SHARED = List.of("OkHttp TaskRunner", "Okio Watchdog", "JNA Cleaner",
      "process reaper", "prometheus-metrics-scheduler");

  @TempDir Path root;

  @Test
  void closingPeersAndTheBrokerLeavesNoThreadsBehind() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    try (MeshHarness mesh = MeshHarness.builder(root).start()) {
      Peer alice = mesh.peer("alice");
      Peer bob = mesh.peer("bob");
      alice.send(SendRequest.of(bob.memberPubkey(), "hello"));
      bob.subscribe("ops");
      await("delivered", Duration.ofSeconds(30), () -> Inboxes.count(bob) == 1);
    }
    try {
      await("threads gone", Duration.ofSeconds(10), () -> leftovers(before).isEmpty());
    } catch (AssertionError e) {
      assertEquals(List.of(), leftovers(before), "threads still alive 10 s after close");
    }
  }

  private static List<String> leftovers(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !before.contains(t) && t.isAlive())
        .map(Thread::getName)
        .filter(name -> SHARED.stream().noneMatch(name::startsWith))
        .sorted()
        .collect(Collectors.toList());
  }
}
