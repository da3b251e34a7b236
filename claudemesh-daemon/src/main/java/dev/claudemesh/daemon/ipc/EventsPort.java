package dev.claudemesh.daemon.ipc;

import dev.claudemesh.core.events.EventBus;
import dev.claudemesh.core.events.PeerEvent;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What {@code GET /v1/events} needs (SPEC §3.4): the peer's event bus (live delivery, the replay
 * ring, the newest id) and whether new streams are refused because the peer is degraded.
 */
public interface EventsPort {
  /** The newest event id so far, 0 before any. */
  long lastId();

  /** The recorded events after {@code lastEventId}, oldest first, and whether none was lost. */
  EventBus.Replay replaySince(long lastEventId);

  /**
   * Delivers every event published from now on to {@code listener}, on the bus's one dispatch
   * thread, until the returned handle is closed. The listener must not block.
   */
  AutoCloseable subscribe(Consumer<PeerEvent> listener);

  /** Why new streams are refused (SPEC §4.9 at 100 %), or empty when they are served. */
  Optional<String> degraded() throws IOException;
}
