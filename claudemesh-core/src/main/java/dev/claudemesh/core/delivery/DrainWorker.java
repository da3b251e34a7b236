package dev.claudemesh.core.delivery;

import dev.claudemesh.core.broker.BrokerLink;
import dev.claudemesh.core.crypto.Ed25519SigningKey;
import dev.claudemesh.core.events.EventBus;
import dev.claudemesh.core.events.EventKinds;
import dev.claudemesh.core.fingerprint.DestinationKind;
import dev.claudemesh.core.protocol.Ack;
import dev.claudemesh.core.protocol.SendFrame;
import dev.claudemesh.core.store.Outbox;
import dev.claudemesh.core.store.OutboxRow;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends due outbox rows to the broker and maps each ack to an outbox transition (SPEC §4.5).
 *
 * <p>One thread ({@code claudemesh-drain}) claims due rows while the link is up and fewer than
 * {@code maxInflight} sends are outstanding; a small pool ({@code claudemesh-drain-io-N}) seals,
 * sends and settles them, so many sends are in flight on one socket and concurrent outbox updates
 * share group commits. {@link #wake()} (called on every accept and on reconnect) ends the wait at
 * once. Classification uses the ack's status and structured error, never its text:
 *
 * <ul>
 *   <li>201, 200 duplicate → done (a duplicate whose history is gone is logged and counted);
 *   <li>409 {@code idempotency_key_reused} and 4xx with {@code permanent:true} → dead, with an
 *       {@code outbox_dead} event;
 *   <li>429, other non-permanent 4xx, 5xx, timeouts and disconnects → pending with backoff.
 * </ul>
 */
public final class DrainWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DrainWorker.class);

  public static final int DEFAULT_MAX_INFLIGHT = 256;
  private static final int CLAIM_BATCH = 128;
  private static final Duration IDLE_POLL = Duration.ofMillis(250);
  private static final Duration EXPIRE_EVERY = Duration.ofMinutes(1);
  private static final String IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused";

  private final Outbox outbox;
  private final BrokerLink link;
  private final OutboundFrames frames;
  private final @Nullable EventBus events;
  private final Clock clock;
  private final Supplier<Duration> maxAge;
  private final int maxInflight;
  private final Semaphore inflight;
  private final Semaphore signal = new Semaphore(0);
  private final ExecutorService io;
  private final Thread thread;
  private volatile boolean stopped;
  private volatile long nextExpireAt;

  private final AtomicLong done = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong historyUnavailable = new AtomicLong();
  private final AtomicLong retried = new AtomicLong();
  private final AtomicLong dead = new AtomicLong();
  private final AtomicLongArray sends =
      new AtomicLongArray(DestinationKind.values().length * SendOutcome.values().length);

  /** How one send to the broker was settled, for {@link #sendCount}. */
  public enum SendOutcome {
    /** 201: the broker took a new message. */
    ACCEPTED,
    /** 200 duplicate: the broker already had this id with this fingerprint. */
    DUPLICATE,
    /** Transient failure (429, 5xx, timeout, disconnect): back to pending with backoff. */
    RETRY,
    /** Permanent failure: the row is dead. */
    DEAD;

    /** The lowercase name used in metric labels. */
    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * @param maxAge how long a row may wait before it dies (SPEC §4.6); read before each sweep since
   *     it depends on what the broker negotiated
   */
  public DrainWorker(Outbox outbox, BrokerLink link, Supplier<Ed25519SigningKey> signingKey,
      @Nullable EventBus events, Clock clock, Supplier<Duration> maxAge, int maxInflight) {
    this.outbox = Objects.requireNonNull(outbox, "outbox == null");
    this.link = Objects.requireNonNull(link, "link == null");
    this.frames = new OutboundFrames(outbox, Objects.requireNonNull(signingKey, "signingKey == null"));
    this.events = events;
    this.clock = Objects.requireNonNull(clock, "clock == null");
    this.maxAge = Objects.requireNonNull(maxAge, "maxAge == null");
    if (maxInflight < 1) {
      throw new IllegalArgumentException("maxInflight must be at least 1, got " + maxInflight);
    }
    this.maxInflight = maxInflight;
    this.inflight = new Semaphore(maxInflight);
    this.io = Executors.newFixedThreadPool(8, named("claudemesh-drain-io-"));
    this.thread = new Thread(this::run, "claudemesh-drain");
    this.thread.setDaemon(true);
  }

  /** Starts the drain thread. */
  public void start() {
    thread.start();
  }

  /**
   * The link came up: sweep expired rows before claiming anything, so a row past the broker's
   * dedupe window is never sent, then wake.
   */
  public void onConnected() {
    nextExpireAt = 0;
    wake();
  }

  /** Ends the current wait: new rows were accepted, or the link came up. */
  public void wake() {
    if (signal.availablePermits() == 0) {
      signal.release();
    }
  }

  /** Sends written and not yet settled. */
  public int inflight() {
    return maxInflight - inflight.availablePermits();
  }

  public long doneCount() {
    return done.get();
  }

  public long duplicateCount() {
    return duplicates.get();
  }

  public long historyUnavailableCount() {
    return historyUnavailable.get();
  }

  public long retryCount() {
    return retried.get();
  }

  public long deadCount() {
    return dead.get();
  }

  /**
   * Sends settled since start with {@code outcome}, for one destination kind ({@code
   * cm_daemon_send_total{kind,status}}). Rows declared dead by the max-age sweep were not sent and
   * are not counted here (they are in {@link #deadCount()}).
   */
  public long sendCount(DestinationKind kind, SendOutcome outcome) {
    return sends.get(sendIndex(kind, outcome));
  }

  private void countSend(OutboxRow row, SendOutcome outcome) {
    sends.incrementAndGet(sendIndex(row.request().destinationKind(), outcome));
  }

  private static int sendIndex(DestinationKind kind, SendOutcome outcome) {
    return kind.ordinal() * SendOutcome.values().length + outcome.ordinal();
  }

  private void run() {
    while (!stopped) {
      try {
        expireIfDue();
        if (!link.isConnected() || inflight.availablePermits() == 0) {
          await(IDLE_POLL);
          continue;
        }
        int want = Math.min(CLAIM_BATCH, inflight.availablePermits());
        if (!inflight.tryAcquire(want)) {
          continue;
        }
        List<OutboxRow> rows;
        try {
          rows = outbox.claimDue(want, frames::sealInClaim);
        } catch (IOException e) {
          inflight.release(want);
          if (!stopped) {
            log.warn("drain: cannot claim due outbox rows: {}", e.getMessage());
            await(Duration.ofSeconds(1));
          }
          continue;
        }
        inflight.release(want - rows.size());
        for (OutboxRow row : rows) {
          io.execute(() -> dispatch(row));
        }
        if (rows.size() < want) {
          await(IDLE_POLL); // nothing else due now
        }
      } catch (RuntimeException e) {
        log.error("drain loop failed; continuing", e);
        await(Duration.ofSeconds(1));
      }
    }
  }

  private void await(Duration timeout) {
    try {
      if (signal.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        signal.drainPermits();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopped = true;
    }
  }

  private void expireIfDue() {
    long now = clock.millis();
    if (now < nextExpireAt) {
      return;
    }
    nextExpireAt = now + EXPIRE_EVERY.toMillis();
    try {
      Duration age = maxAge.get();
      int expired = outbox.expire(age);
      if (expired > 0) {
        dead.addAndGet(expired);
        log.warn("drain: {} outbox rows older than {} h declared dead (max_age_exceeded)", expired, age.toHours());
        publishDead(null, "max_age_exceeded", null, expired);
      }
    } catch (IOException | RuntimeException e) {
      log.warn("drain: max-age sweep failed: {}", e.getMessage());
    }
  }

  private void dispatch(OutboxRow row) {
    SendFrame frame;
    try {
      frame = frames.frameFor(row);
    } catch (OutboundFrames.Unsendable e) {
      settleDead(row, e.code, e.getMessage(), null);
      release();
      return;
    } catch (IOException | RuntimeException e) {
      settleRetry(row, "framing failed: " + e.getMessage());
      release();
      return;
    }
    try {
      link.send(frame).whenCompleteAsync((ack, failure) -> settle(row, ack, failure), io);
    } catch (RuntimeException e) { // the pool is shutting down, or the link refused synchronously
      settleRetry(row, "send failed: " + e);
      release();
    }
  }

  private void settle(OutboxRow row, @Nullable Ack ack, @Nullable Throwable failure) {
    boolean releaseNow = true;
    try {
      if (failure != null) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause() : failure;
        settleRetry(row, "transport: " + cause.getMessage());
      } else if (ack != null) {
        releaseNow = !classify(row, ack);
      }
    } catch (RuntimeException e) {
      log.error("drain: settling {} failed", row.clientMessageId(), e);
    } finally {
      if (releaseNow) {
        release();
      }
    }
  }

  /** Returns true when an accepted row is being marked done asynchronously, which releases its slot. */
  private boolean classify(OutboxRow row, Ack ack) {
    int status = ack.status();
    String id = row.clientMessageId();
    if (status == 201 || status == 200) {
      boolean duplicate = status == 200 || ack.duplicate();
      // the done mark joins the next group commit without holding an io thread for it
      outbox.markDoneAsync(id, ack.brokerMessageId(), ack.historyId(), ack.historyAvailable())
          .whenComplete((changed, failure) -> {
            try {
              if (failure != null) {
                // stays inflight; recovered to pending at the next start and re-sent as a duplicate
                log.warn("drain: {} was accepted by the broker but could not be marked done: {}", id,
                    failure.getMessage());
                return;
              }
              if (!changed) {
                log.warn("drain: {} was accepted by the broker but is no longer inflight here", id);
                return;
              }
              done.incrementAndGet();
              countSend(row, duplicate ? SendOutcome.DUPLICATE : SendOutcome.ACCEPTED);
              if (duplicate) {
                duplicates.incrementAndGet();
                if (!ack.historyAvailable()) {
                  historyUnavailable.incrementAndGet();
                }
              }
            } finally {
              release();
            }
          });
      return true;
    }
    Ack.Error error = ack.error();
    String code = error == null ? "status_" + status : error.code();
    if (status == 409 && IDEMPOTENCY_KEY_REUSED.equals(code)) {
      log.warn("drain: broker refused {}: idempotency_key_reused (broker fingerprint prefix {}, ours {})",
          id, ack.brokerFingerprintPrefix(), row.fingerprint().prefixHex());
      settleDead(row, code, "broker " + status + " " + code, ack.brokerFingerprintPrefix());
    } else if (status >= 400 && status < 500 && error != null && error.permanent()) {
      settleDead(row, code, "broker " + status + " " + code, null);
    } else {
      settleRetry(row, "broker " + status + " " + code);
    }
    return false;
  }

  private void settleRetry(OutboxRow row, String reason) {
    try {
      if (outbox.markRetry(row.clientMessageId(), reason)) {
        retried.incrementAndGet();
        countSend(row, SendOutcome.RETRY);
      }
    } catch (IOException e) {
      log.warn("drain: {} could not be put back to pending: {}", row.clientMessageId(), e.getMessage());
    }
  }

  private void settleDead(OutboxRow row, String code, String reason, @Nullable String brokerPrefix) {
    try {
      if (outbox.markDead(row.clientMessageId(), reason)) {
        dead.incrementAndGet();
        countSend(row, SendOutcome.DEAD);
        log.warn("drain: {} is dead: {}", row.clientMessageId(), reason);
        publishDead(row.clientMessageId(), code, brokerPrefix, 1);
      }
    } catch (IOException e) {
      log.warn("drain: {} could not be marked dead: {}", row.clientMessageId(), e.getMessage());
    }
  }

  private void publishDead(@Nullable String clientMessageId, String reason, @Nullable String brokerPrefix, int count) {
    if (events == null) {
      return;
    }
    Map<String, @Nullable Object> data = new LinkedHashMap<>();
    data.put("ts", clock.millis());
    if (clientMessageId != null) {
      data.put("client_message_id", clientMessageId);
    } else {
      data.put("count", count);
    }
    data.put("reason", reason);
    if (brokerPrefix != null) {
      data.put("broker_fingerprint_prefix", brokerPrefix);
    }
    events.publish(EventKinds.OUTBOX_DEAD, data);
  }

  private void release() {
    inflight.release();
    wake();
  }

  /**
   * Stops claiming, waits up to {@code grace} for sends in flight to settle, then stops the
   * threads. Rows still inflight are put back to pending at the next start (SPEC §4.8).
   */
  public void stop(Duration grace) {
    stopped = true;
    wake();
    try {
      thread.join(grace.toMillis() + 1000);
      long deadline = System.nanoTime() + grace.toNanos();
      while (inflight() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    io.shutdown();
    try {
      if (!io.awaitTermination(grace.toMillis() + 1000, TimeUnit.MILLISECONDS)) {
        io.shutdownNow();
      }
    } catch (InterruptedException e) {
      io.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(2));
  }

  static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
