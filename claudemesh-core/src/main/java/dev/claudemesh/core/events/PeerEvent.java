package dev.claudemesh.core.events;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One event: a monotonic {@code id} (unique for the life of the bus), a {@code kind} of {@link
 * EventKinds}, the time it was published and its JSON-ready data. {@code toString()} shows the id
 * and kind only: message events carry bodies.
 */
public record PeerEvent(long id, String kind, Instant ts, Map<String, @Nullable Object> data) {
  public PeerEvent {
    if (id <= 0) {
      throw new IllegalArgumentException("id must be positive");
    }
    data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
  }

  @Override
  public String toString() {
    return "PeerEvent{id=" + id + ", kind=" + kind + ", ts=" + ts + "}";
  }
}
