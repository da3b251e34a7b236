package dev.claudemesh.broker;

import java.time.Clock;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Sends per member per fixed window, idempotent over {@code (mesh, sender, client_message_id,
 * window)}: a retry of an id already counted in this window passes without consuming budget
 * again (SPEC §8.1 B1). Sends without an id always consume one unit. Thread-safe; in memory
 * (a multi-node deployment needs a shared limiter, SPEC §8.7).
 */
final class RateLimiter {
  private final int limit;
  private final long windowMillis;
  private final Clock clock;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  private static final class Window {
    long start;
    int used;
    final Set<String> counted = new HashSet<>();
  }

  RateLimiter(int limit, long windowMillis, Clock clock) {
    this.limit = limit;
    this.windowMillis = windowMillis;
    this.clock = clock;
  }

  /** Whether this send fits the sender's budget; consumes a unit unless the id was counted. */
  boolean tryAcquire(String meshId, String memberId, @Nullable String clientMessageId) {
    long now = clock.millis();
    long start = now - Math.floorMod(now, windowMillis);
    Window window = windows.computeIfAbsent(meshId + '\u0000' + memberId, k -> new Window());
    synchronized (window) {
      if (window.start != start) {
        window.start = start;
        window.used = 0;
        window.counted.clear();
      }
      if (clientMessageId != null && window.counted.contains(clientMessageId)) {
        return true;
      }
      if (window.used >= limit) {
        return false;
      }
      window.used++;
      if (clientMessageId != null) {
        window.counted.add(clientMessageId);
      }
      return true;
    }
  }

  /** Drops windows that ended more than one window ago. */
  void prune() {
    long now = clock.millis();
    for (Iterator<Window> it = windows.values().iterator(); it.hasNext(); ) {
      Window window = it.next();
      synchronized (window) {
        if (now - window.start > 2 * windowMillis) {
          it.remove();
        }
      }
    }
  }
}
