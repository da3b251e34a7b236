package dev.claudemesh.daemon.ipc;

import dev.claudemesh.api.ApiJson;
import dev.claudemesh.api.EventKinds;
import dev.claudemesh.api.ServerEvent;
import dev.claudemesh.core.events.PeerEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.util.IteratingCallback;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code /v1/events} stream (SPEC §3.4). Live events arrive on the bus's dispatch thread and
 * are only queued here; Jetty's non-blocking write sends them, one write pending at a time
 * ({@link IteratingCallback}), so a slow client never holds the bus.
 *
 * <p>Order without gaps or duplicates: the stream subscribes first; events that arrive before the
 * replay is handed over wait in the queue; the replay is sent first, then the queue, skipping every
 * id not above the last id sent. Memory is bounded: the replay is a list of events the ring holds
 * anyway, serialized as it is written; the live queue holds at most {@link #MAX_QUEUED_EVENTS}
 * events or {@link #MAX_QUEUED_CHARS} characters, and a stream over either ends (the client
 * resumes with {@code Last-Event-ID}). Frames are logged by id and kind only, never their data.
 */
final class SseStream extends IteratingCallback implements ResponseStream {
  static final int MAX_QUEUED_EVENTS = 1024;
  static final long MAX_QUEUED_CHARS = 4L * 1024 * 1024;
  /** A write gathers frames up to about this many bytes. */
  private static final int WRITE_BATCH_BYTES = 64 * 1024;
  private static final byte[] KEEPALIVE = ": keepalive\n\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] OPEN = ": stream open\n\n".getBytes(StandardCharsets.US_ASCII);
  private static final Logger log = LoggerFactory.getLogger(SseStream.class);

  /** What a stream tells its owner when it ends, exactly once. */
  @FunctionalInterface
  interface OnEnd {
    void ended(SseStream stream, String reason);
  }

  private final OnEnd onEnd;
  private final AtomicBoolean ended = new AtomicBoolean();
  private final ArrayDeque<PeerEvent> live = new ArrayDeque<>();
  private final ArrayDeque<byte[]> preface = new ArrayDeque<>();
  private long liveChars;
  private @Nullable Iterator<PeerEvent> replay;
  private long lastSentId;
  private boolean keepaliveDue;
  private @Nullable String closing;
  private @Nullable Sink sink;
  private @Nullable AutoCloseable subscription;

  /** A stream that sends only events with an id above {@code lastSentId}. */
  SseStream(long lastSentId, OnEnd onEnd) {
    this.lastSentId = lastSentId;
    this.onEnd = onEnd;
    preface.add(OPEN);
  }

  synchronized void subscription(AutoCloseable subscription) {
    this.subscription = subscription;
  }

  /**
   * Hands over the replay, sent before anything queued live; {@code gap} is the {@code
   * replay_gap} frame to send first, or null.
   */
  synchronized void replay(@Nullable ServerEvent gap, List<PeerEvent> events) {
    if (gap != null) {
      preface.add(gap.toSseFrame().getBytes(StandardCharsets.UTF_8));
    }
    replay = events.iterator();
  }

  /** A live event, on the bus's dispatch thread: queued, never written here. */
  void offer(PeerEvent event) {
    synchronized (this) {
      if (closing != null || event.id() <= lastSentId) {
        return;
      }
      live.addLast(event);
      liveChars += weight(event);
      if (live.size() > MAX_QUEUED_EVENTS || liveChars > MAX_QUEUED_CHARS) {
        endLocked("client too slow: " + live.size() + " events (" + liveChars
            + " characters) waiting; it may resume with Last-Event-ID " + lastSentId);
      }
    }
    iterate();
  }

  /** Sends a keepalive comment with the next write. */
  void keepalive() {
    synchronized (this) {
      keepaliveDue = true;
    }
    iterate();
  }

  /** Ends the stream normally once the write in progress, if any, is done. */
  void end(String reason) {
    synchronized (this) {
      endLocked(reason);
    }
    iterate();
  }

  private void endLocked(String reason) {
    if (closing == null) {
      closing = reason;
      live.clear();
      liveChars = 0;
      replay = null;
      preface.clear();
    }
  }

  @Override
  public void start(Sink sink) {
    synchronized (this) {
      this.sink = sink;
    }
    iterate();
  }

  @Override
  public void fail(Throwable cause) {
    abort(cause);
  }

  @Override
  protected Action process() {
    Sink out;
    ByteBuffer batch;
    synchronized (this) {
      out = sink;
      if (out == null) {
        return Action.IDLE;
      }
      if (closing != null) {
        return Action.SUCCEEDED;
      }
      batch = nextBatch();
      if (batch == null) {
        return Action.IDLE;
      }
    }
    out.write(batch, this);
    return Action.SCHEDULED;
  }

  /** The next bytes to write, or null when there is nothing. */
  private @Nullable ByteBuffer nextBatch() {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    while (!preface.isEmpty() && bytes.size() < WRITE_BATCH_BYTES) {
      bytes.writeBytes(preface.removeFirst());
    }
    while (replay != null && replay.hasNext() && bytes.size() < WRITE_BATCH_BYTES) {
      frame(replay.next(), bytes);
    }
    if (replay != null && !replay.hasNext()) {
      replay = null;
    }
    while (replay == null && !live.isEmpty() && bytes.size() < WRITE_BATCH_BYTES) {
      PeerEvent event = live.removeFirst();
      liveChars -= weight(event);
      frame(event, bytes);
    }
    if (keepaliveDue) {
      keepaliveDue = false;
      bytes.writeBytes(KEEPALIVE);
    }
    return bytes.size() == 0 ? null : ByteBuffer.wrap(bytes.toByteArray());
  }

  /** Appends the frame of {@code event} unless an event with its id or a later one was sent. */
  private void frame(PeerEvent event, java.io.ByteArrayOutputStream out) {
    if (event.id() <= lastSentId) {
      return;
    }
    lastSentId = event.id();
    ServerEvent frame;
    try {
      frame = toServerEvent(event);
      out.writeBytes(frame.toSseFrame().getBytes(StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      // data the JSON writer cannot show; skip the frame, say which one without its data
      log.warn("event {} ({}) left out of the event streams: {}", event.id(), event.kind(),
          e.getClass().getSimpleName());
    }
  }

  /** The wire form of a bus event: its data with {@code ts} (epoch milliseconds). */
  static ServerEvent toServerEvent(PeerEvent event) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put(ServerEvent.TS, event.ts().toEpochMilli());
    event.data().forEach((k, v) -> {
      if (v != null && !k.equals(ServerEvent.TS)) {
        data.put(k, v);
      }
    });
    // the JSON writer must accept the data; checked here so a bad value fails this frame only
    ApiJson.toJson(data);
    return new ServerEvent(event.id(), event.kind(), data);
  }

  /** The frame that opens a stream whose {@code Last-Event-ID} the ring cannot serve. */
  static ServerEvent gap(long lastEventId, long oldestEventId, long ts) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put(ServerEvent.TS, ts);
    data.put("last_event_id", lastEventId);
    data.put("oldest_event_id", oldestEventId);
    return new ServerEvent(Math.max(oldestEventId - 1, 0), EventKinds.REPLAY_GAP, data);
  }

  private static long weight(PeerEvent event) {
    long n = 64;
    for (Object value : event.data().values()) {
      n += value instanceof String ? ((String) value).length() : 16;
    }
    return n;
  }

  @Override
  protected void onCompleteSuccess() {
    String reason;
    synchronized (this) {
      reason = closing != null ? closing : "ended";
    }
    Sink out = release(reason);
    if (out != null) {
      out.end();
    }
  }

  @Override
  protected void onCompleteFailure(Throwable cause) {
    Sink out = release("connection failed or client gone (" + cause.getClass().getSimpleName()
        + ")");
    if (out != null) {
      out.abort(cause);
    }
  }

  /** Unsubscribes and tells the owner, once; the sink to end, or null if never started. */
  private @Nullable Sink release(String reason) {
    if (!ended.compareAndSet(false, true)) {
      return null;
    }
    AutoCloseable s;
    Sink out;
    synchronized (this) {
      s = subscription;
      out = sink;
      live.clear();
      liveChars = 0;
      replay = null;
    }
    if (s != null) {
      try {
        s.close();
      } catch (Exception e) {
        log.debug("closing an event subscription failed: {}", e.toString());
      }
    }
    onEnd.ended(this, reason);
    return out;
  }

  /** Ends a stream that was never handed to the adapter. */
  void discard(String reason) {
    release(reason);
  }

  @Override
  public String toString() {
    return "SseStream{lastSentId=" + lastSentId + "}";
  }
}
