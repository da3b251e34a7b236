package dev.claudemesh.daemon.ipc;

import dev.claudemesh.api.Heartbeat;
import dev.claudemesh.api.HeartbeatRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The callers that said they are alive ({@code POST /v1/heartbeat}), in memory: at most {@link
 * #MAX_CALLERS}, each forgotten {@link #TTL} after its last heartbeat; when full, the caller heard
 * from longest ago makes room. A caller is its name and pid together; a heartbeat with neither is
 * answered but not recorded. Thread-safe.
 */
public final class Heartbeats {
  public static final int MAX_CALLERS = 1024;
  public static final Duration TTL = Duration.ofMinutes(10);

  /** One live caller: its name and pid as sent, and when it was last heard. */
  public record Caller(@Nullable String name, @Nullable Long pid, Instant lastSeen) {}

  private final Clock clock;
  private final int maxCallers;
  private final Duration ttl;
  /** In access order: the eldest entry is the caller heard from longest ago. */
  private final LinkedHashMap<String, Caller> callers = new LinkedHashMap<>(16, 0.75f, true);

  Heartbeats(Clock clock, int maxCallers, Duration ttl) {
    this.clock = Objects.requireNonNull(clock, "clock == null");
    this.maxCallers = maxCallers;
    this.ttl = ttl;
  }

  /** An empty registry on {@code clock}, with the default bound and time to live. */
  public static Heartbeats inMemory(Clock clock) {
    return new Heartbeats(clock, MAX_CALLERS, TTL);
  }

  /** Records one heartbeat and answers it. */
  Heartbeat beat(HeartbeatRequest request) {
    Instant now = clock.instant();
    if (request.caller() != null || request.pid() != null) {
      String key = request.caller() + "\u0000" + request.pid();
      synchronized (callers) {
        expire(now);
        callers.put(key, new Caller(request.caller(), request.pid(), now));
        if (callers.size() > maxCallers) {
          Iterator<String> eldest = callers.keySet().iterator();
          eldest.next();
          eldest.remove();
        }
      }
    }
    return new Heartbeat(true, now.toEpochMilli());
  }

  /** The callers heard from within the time to live, the most recent last. */
  public List<Caller> live() {
    synchronized (callers) {
      expire(clock.instant());
      return List.copyOf(new ArrayList<>(callers.values()));
    }
  }

  private void expire(Instant now) {
    Instant cutoff = now.minus(ttl);
    // access order puts the stalest first, so stop at the first live one
    Iterator<Map.Entry<String, Caller>> it = callers.entrySet().iterator();
    while (it.hasNext()) {
      if (it.next().getValue().lastSeen().isAfter(cutoff)) {
        return;
      }
      it.remove();
    }
  }

  @Override
  public String toString() {
    synchronized (callers) {
      return "Heartbeats{" + callers.size() + " callers}";
    }
  }
}
