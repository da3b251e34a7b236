package dev.claudemesh.daemon.ipc;

import dev.claudemesh.api.ErrorCodes;
import dev.claudemesh.api.Problem;
import dev.claudemesh.api.Routes;
import dev.claudemesh.api.ServerEvent;
import dev.claudemesh.core.events.EventBus;
import dev.claudemesh.core.events.PeerEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/events} (SPEC §3.4): opens an {@link SseStream} per request, at most {@code
 * maxStreams} at once (429 {@code too_many_streams}), none while the peer is degraded (503 {@code
 * daemon_degraded}). It runs behind the guard like every route, so the query token, {@code Host},
 * {@code Origin}, bearer and rate checks apply before a stream starts; a stream holds no
 * in-flight slot once its handler has returned.
 *
 * <p>{@link #open()} starts the one keepalive thread, which writes {@code : keepalive} to every
 * stream each interval; {@link #close()} ends every stream and stops that thread.
 */
final class EventStreams implements RouteHandler, AutoCloseable {
  /** §3.2: event streams served at once. */
  static final int MAX_STREAMS = 32;
  /** §3.4: a keepalive comment this often. */
  static final Duration KEEPALIVE = Duration.ofSeconds(15);

  private static final Logger log = LoggerFactory.getLogger(EventStreams.class);

  private final EventsPort port;
  private final Duration keepalive;
  private final int maxStreams;
  private final AtomicInteger open = new AtomicInteger();
  private final Set<SseStream> streams = ConcurrentHashMap.newKeySet();
  private @Nullable ScheduledExecutorService keepaliveThread;

  EventStreams(EventsPort port, Duration keepalive, int maxStreams) {
    this.port = port;
    this.keepalive = keepalive;
    this.maxStreams = maxStreams;
  }

  /** Starts the keepalive thread; the server calls this when it starts. */
  synchronized void open() {
    if (keepaliveThread != null) {
      return;
    }
    ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "claudemesh-ipc-keepalive");
      thread.setDaemon(true);
      return thread;
    });
    long nanos = keepalive.toNanos();
    t.scheduleAtFixedRate(() -> streams.forEach(SseStream::keepalive), nanos, nanos,
        TimeUnit.NANOSECONDS);
    keepaliveThread = t;
  }

  /** Ends every stream (normally: the last chunk goes out) and stops the keepalive thread. */
  @Override
  public synchronized void close() {
    for (SseStream stream : List.copyOf(streams)) {
      stream.end("the daemon is stopping");
    }
    ScheduledExecutorService t = keepaliveThread;
    keepaliveThread = null;
    if (t != null) {
      t.shutdownNow();
      try {
        t.awaitTermination(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Streams open now. */
  int openStreams() {
    return open.get();
  }

  @Override
  public ApiResponse handle(ApiCall call) throws IOException {
    if (call.rawQuery() != null && !call.rawQuery().isEmpty()) {
      return ApiResponse.problem(Problem.of(ErrorCodes.INVALID_REQUEST,
          "?: " + Routes.EVENTS + " takes no query parameters; resume with the "
              + Routes.HEADER_LAST_EVENT_ID + " header"));
    }
    List<String> resume = call.headers(Routes.HEADER_LAST_EVENT_ID);
    if (resume.size() > 1) {
      return ApiResponse.problem(Problem.of(ErrorCodes.INVALID_REQUEST,
          Routes.HEADER_LAST_EVENT_ID + ": repeated header"));
    }
    Long lastEventId = null;
    if (!resume.isEmpty() && !resume.get(0).isEmpty()) {
      lastEventId = eventId(resume.get(0).trim());
      if (lastEventId == null) {
        return ApiResponse.problem(Problem.of(ErrorCodes.INVALID_REQUEST,
            Routes.HEADER_LAST_EVENT_ID + ": must be an event id (a non-negative integer)"));
      }
    }
    Optional<String> degraded = port.degraded();
    if (degraded.isPresent()) {
      return ApiResponse.problem(Problem.retryAfter(ErrorCodes.DAEMON_DEGRADED,
          "no new event streams while the daemon is degraded: " + degraded.get(), 60));
    }
    if (open.incrementAndGet() > maxStreams) {
      open.decrementAndGet();
      return ApiResponse.problem(Problem.retryAfter(ErrorCodes.TOO_MANY_STREAMS,
          maxStreams + " event streams are open; close one first", 1));
    }
    SseStream stream = null;
    try {
      // an id above the newest was given out by an earlier daemon (the bus counts from 1 again
      // after a restart): start over from the ring, after a replay_gap naming the caller's id
      long newest = port.lastId();
      boolean earlierLife = lastEventId != null && lastEventId > newest;
      long baseline = lastEventId == null ? newest : earlierLife ? 0 : lastEventId;
      stream = new SseStream(baseline, this::ended);
      streams.add(stream);
      // subscribe before the replay, so nothing published in between is missed; the stream
      // skips whatever the replay already sent
      stream.subscription(port.subscribe(stream::offer));
      EventBus.Replay replay = port.replaySince(baseline);
      List<PeerEvent> events = replay.events();
      ServerEvent gap = null;
      if (earlierLife || !replay.complete()) {
        long oldest = events.isEmpty() ? port.lastId() + 1 : events.get(0).id();
        gap = SseStream.gap(lastEventId != null ? lastEventId : baseline, oldest,
            System.currentTimeMillis());
      }
      stream.replay(gap, events);
      log.debug("event stream opened ({} open){}", open.get(),
          lastEventId != null ? ", resuming after " + lastEventId : "");
      return ApiResponse.stream(Routes.MEDIA_EVENT_STREAM, stream);
    } catch (RuntimeException e) {
      if (stream != null) {
        stream.discard("could not open: " + e.getClass().getSimpleName());
      } else {
        open.decrementAndGet();
      }
      throw e;
    }
  }

  private void ended(SseStream stream, String reason) {
    streams.remove(stream);
    int left = open.decrementAndGet();
    log.debug("event stream ended ({} open): {}", left, reason);
  }

  private static @Nullable Long eventId(String text) {
    if (text.isEmpty() || text.length() > 18) {
      return null;
    }
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return null;
      }
    }
    return Long.parseLong(text);
  }

  @Override
  public String toString() {
    return "EventStreams{" + open.get() + "/" + maxStreams + " open}";
  }
}
