package dev.claudemesh.core.events;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes {@link PeerEvent}s to subscribers on one named dispatch thread, in publish order, and
 * keeps the last {@code ringSize} events for replay ({@code Last-Event-ID}). {@link #publish}
 * never blocks: when the dispatch queue is full (by count or by bytes) the event is still recorded
 * in the ring but not dispatched, and {@link #dropped()} counts it. Subscriber exceptions are
 * logged and swallowed.
 *
 * <p>Memory stays bounded whatever peers send: the ring keeps an event's {@code body} only when
 * it is at most {@value #RING_BODY_LIMIT} characters; a replayed event with a larger body has
 * {@code body_omitted: true} instead (the message is in the inbox under its {@code id}).
 */
public final class EventBus implements AutoCloseable {
  /** The replay ring keeps at least this many events (SPEC §3.4). */
  public static final int DEFAULT_RING_SIZE = 4096;

  private static final Logger log = LoggerFactory.getLogger(EventBus.class);
  private static final int QUEUE_CAPACITY = 65_536;
  /** Bodies longer than this are not kept in the replay ring. */
  public static final int RING_BODY_LIMIT = 16 * 1024;
  /** Events waiting for dispatch may hold at most this many characters of strings. */
  private static final long QUEUE_CHAR_BUDGET = 64L * 1024 * 1024;
  private final AtomicLong queuedChars = new AtomicLong();

  private final Clock clock;
  private final int ringSize;
  private final ArrayDeque<PeerEvent> ring = new ArrayDeque<>();
  private final AtomicLong nextId = new AtomicLong(1);
  private final BlockingQueue<PeerEvent> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
  private final List<Subscription> subscribers = new CopyOnWriteArrayList<>();
  private final AtomicLong dropped = new AtomicLong();
  private final Thread dispatcher;
  private volatile boolean closed;

  public EventBus(Clock clock, int ringSize) {
    this.clock = Objects.requireNonNull(clock, "clock == null");
    if (ringSize < 1000) {
      throw new IllegalArgumentException("ringSize must be at least 1000, got " + ringSize);
    }
    this.ringSize = ringSize;
    this.dispatcher = new Thread(this::dispatch, "claudemesh-events");
    this.dispatcher.setDaemon(true);
    this.dispatcher.start();
  }

  public EventBus(Clock clock) {
    this(clock, DEFAULT_RING_SIZE);
  }

  /** Records and dispatches an event; returns it. After {@link #close()} it is only recorded. */
  public PeerEvent publish(String kind, Map<String, @Nullable Object> data) {
    Objects.requireNonNull(kind, "kind == null");
    Objects.requireNonNull(data, "data == null");
    PeerEvent event;
    synchronized (ring) {
      event = new PeerEvent(nextId.getAndIncrement(), kind, clock.instant(), data);
      ring.addLast(forRing(event));
      if (ring.size() > ringSize) {
        ring.removeFirst();
      }
      // queue under the same lock so dispatch order equals id order
      if (!closed && !subscribers.isEmpty()) {
        long chars = chars(event);
        if (queuedChars.get() + chars > QUEUE_CHAR_BUDGET || !queue.offer(event)) {
          dropped.incrementAndGet();
        } else {
          queuedChars.addAndGet(chars);
        }
      }
    }
    return event;
  }

  /** Delivers every event published from now on to {@code listener} until the subscription closes. */
  public Subscription subscribe(Consumer<PeerEvent> listener) {
    Objects.requireNonNull(listener, "listener == null");
    Subscription subscription = new Subscription(listener);
    subscribers.add(subscription);
    return subscription;
  }

  /** The result of {@link #replaySince}: the events after the id, and whether any were lost. */
  public record Replay(List<PeerEvent> events, boolean complete) {}

  /**
   * The recorded events with an id greater than {@code lastEventId}, oldest first. {@code
   * complete} is false when some of them already left the ring.
   */
  public Replay replaySince(long lastEventId) {
    synchronized (ring) {
      List<PeerEvent> out = new ArrayList<>();
      long oldest = ring.isEmpty() ? nextId.get() : ring.peekFirst().id();
      for (PeerEvent event : ring) {
        if (event.id() > lastEventId) {
          out.add(event);
        }
      }
      boolean complete = lastEventId >= oldest - 1 || lastEventId >= nextId.get() - 1;
      return new Replay(out, complete);
    }
  }

  /** The id the next event will get minus one: the newest id so far (0 before any). */
  public long lastId() {
    return nextId.get() - 1;
  }

  /** Events recorded but not dispatched because the dispatch queue was full. */
  public long dropped() {
    return dropped.get();
  }

  private void dispatch() {
    while (true) {
      PeerEvent event;
      try {
        event = queue.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (event == null) {
        if (closed) {
          return;
        }
        continue;
      }
      queuedChars.addAndGet(-chars(event));
      for (Subscription s : subscribers) {
        if (!s.closed) {
          try {
            s.listener.accept(event);
          } catch (RuntimeException e) {
            log.warn("event subscriber failed on event {} ({}): {}", event.id(), event.kind(), e.toString());
          }
        }
      }
    }
  }

  private static PeerEvent forRing(PeerEvent event) {
    Object body = event.data().get("body");
    if (!(body instanceof String) || ((String) body).length() <= RING_BODY_LIMIT) {
      return event;
    }
    Map<String, @Nullable Object> slim = new java.util.LinkedHashMap<>(event.data());
    slim.remove("body");
    slim.put("body_omitted", true);
    return new PeerEvent(event.id(), event.kind(), event.ts(), slim);
  }

  /** Roughly what an event's strings weigh: enough to bound memory, cheap to compute. */
  private static long chars(PeerEvent event) {
    long n = 64;
    for (Object value : event.data().values()) {
      n += value instanceof String ? ((String) value).length() : 16;
    }
    return n;
  }

  /** Stops dispatching; queued events are delivered first, for at most one second. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      dispatcher.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    dispatcher.interrupt();
    subscribers.clear();
  }

  /** A live subscription; closing it stops delivery to its listener. */
  public final class Subscription implements AutoCloseable {
    private final Consumer<PeerEvent> listener;
    private volatile boolean closed;

    private Subscription(Consumer<PeerEvent> listener) {
      this.listener = listener;
    }

    @Override
    public void close() {
      closed = true;
      subscribers.remove(this);
    }
  }
}
