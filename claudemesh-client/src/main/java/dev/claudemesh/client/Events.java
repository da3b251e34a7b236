package dev.claudemesh.client;

import dev.claudemesh.api.ApiJson;
import dev.claudemesh.api.Routes;
import dev.claudemesh.api.Routes.Endpoint;
import dev.claudemesh.api.ServerEvent;
import dev.claudemesh.client.internal.SseReader;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One {@code GET /v1/events} subscription: its thread, reconnect loop and last seen id. */
final class Events implements EventSubscription {
  private static final Logger log = LoggerFactory.getLogger(Events.class);
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
  private static final long JOIN_MILLIS = 5_000;

  private final ClaudemeshClient client;
  private final OkHttpClient http;
  private final EventListener listener;
  private final Duration initialBackoff;
  private final Thread thread;
  private volatile long lastEventId;
  private volatile boolean closed;
  private volatile @Nullable Call current;

  Events(ClaudemeshClient client, OkHttpClient http, long lastEventId, EventListener listener,
      Duration initialBackoff) {
    this.client = client;
    this.http = http;
    this.lastEventId = lastEventId;
    this.listener = listener;
    this.initialBackoff = initialBackoff;
    this.thread = new Thread(this::run, "claudemesh-events-" + SEQUENCE.incrementAndGet());
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  @Override
  public long lastEventId() {
    return lastEventId;
  }

  @Override
  public boolean isActive() {
    return !closed;
  }

  @Override
  public void close() {
    closed = true;
    Call c = current;
    if (c != null) {
      c.cancel();
    }
    thread.interrupt();
    if (Thread.currentThread() != thread) {
      try {
        thread.join(JOIN_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    client.forget(this);
  }

  private void run() {
    int failures = 0;
    try {
      while (!closed) {
        IOException failure;
        try {
          boolean opened = stream();
          if (opened) {
            failures = 0;
          }
          failure = new IOException("event stream ended");
        } catch (ClaudemeshException e) {
          if (!recoverable(e)) {
            closed = true;
            safely(() -> listener.onFailure(e));
            return;
          }
          failure = e;
        } catch (IOException e) {
          failure = ClaudemeshClient.isConnectFailure(e)
              ? client.transportFailure(Endpoint.EVENTS.toString(), e, 1, System.nanoTime())
              : e;
        }
        if (closed) {
          return;
        }
        failures++;
        Duration delay = ClaudemeshClient.backoff(initialBackoff, failures);
        if (delay.compareTo(MAX_BACKOFF) > 0) {
          delay = MAX_BACKOFF;
        }
        if (failure instanceof ClaudemeshException) {
          Duration asked = ((ClaudemeshException) failure).retryAfter();
          if (asked != null && asked.compareTo(delay) > 0) {
            delay = asked.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : asked;
          }
        }
        IOException cause = failure;
        Duration wait = delay;
        log.debug("event stream: {}; reopening in {} ms after id {}", cause.toString(),
            wait.toMillis(), lastEventId);
        safely(() -> listener.onReconnecting(cause, wait));
        try {
          Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
          return; // close() interrupts the wait
        }
      }
    } finally {
      client.forget(this);
    }
  }

  /** 429 and 5xx may pass; any other refusal will not change by asking again. */
  private static boolean recoverable(ClaudemeshException e) {
    return e.status() == 429 || e.status() >= 500;
  }

  /** Opens one stream and reads it to its end; returns whether it opened. */
  private boolean stream() throws IOException {
    Request.Builder r = client.request(Endpoint.EVENTS, "")
        .header("Accept", Routes.MEDIA_EVENT_STREAM);
    long last = lastEventId;
    if (last >= 0) {
      r.header(Routes.HEADER_LAST_EVENT_ID, Long.toString(last));
    }
    Call call = http.newCall(r.build());
    current = call;
    if (closed) {
      call.cancel();
    }
    try (Response response = call.execute()) {
      if (!response.isSuccessful()) {
        throw Problems.toException(Endpoint.EVENTS.toString(), response.code(),
            response.header("Content-Type"), response.header(Routes.HEADER_RETRY_AFTER),
            response.body().string());
      }
      safely(listener::onOpen);
      SseReader reader = new SseReader(response.body().source());
      SseReader.Frame frame;
      while (!closed && (frame = reader.next()) != null) {
        deliver(frame);
      }
      return true;
    } finally {
      current = null;
    }
  }

  private void deliver(SseReader.Frame frame) {
    long id = lastEventId;
    if (frame.id() != null) {
      try {
        id = Long.parseLong(frame.id());
      } catch (NumberFormatException e) {
        log.warn("event stream: frame with a non-numeric id skipped");
        return;
      }
    }
    ServerEvent event;
    try {
      Map<?, ?> data = ApiJson.fromJson(frame.data(), Map.class);
      @SuppressWarnings("unchecked")
      Map<String, Object> typed = (Map<String, Object>) data;
      event = new ServerEvent(id, frame.event(), typed);
    } catch (RuntimeException e) {
      lastEventId = id;
      log.warn("event stream: malformed {} frame {} skipped: {}", frame.event(), id,
          e.getMessage());
      return;
    }
    lastEventId = id;
    safely(() -> listener.onEvent(event));
  }

  private static void safely(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      log.warn("event listener threw; ignored", e);
    }
  }

  @Override
  public String toString() {
    return "EventSubscription{" + thread.getName() + ", last id " + lastEventId
        + (closed ? ", closed" : "") + "}";
  }
}
