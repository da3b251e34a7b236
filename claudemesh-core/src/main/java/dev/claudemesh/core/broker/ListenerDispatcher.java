package dev.claudemesh.core.broker;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection's single listener thread: events run one at a time in the order they were
 * posted, so OkHttp's reader thread never waits for a listener.
 *
 * <p>Control events (connected, disconnected, fatal, invalid frame) are never refused: there are
 * a handful per connection. Pushes are bounded by {@code maxQueuedPushes}; a push that finds the
 * queue full is refused and the caller drops it, which is safe because the broker redelivers every
 * push that was not {@code client_ack}ed once its 30 s lease runs out (SPEC §7.4). After {@link
 * #close} queued pushes are skipped and control events still run.
 */
final class ListenerDispatcher {
  private static final Logger log = LoggerFactory.getLogger(BrokerConnection.class);

  private static final Event STOP = new Event("stop", () -> {}, false);

  private final LinkedBlockingQueue<Event> queue = new LinkedBlockingQueue<>();
  private final AtomicInteger queuedPushes = new AtomicInteger();
  private final int maxQueuedPushes;
  private final Thread thread;
  private volatile boolean closing;

  private static final class Event {
    final String what;
    final Runnable action;
    final boolean push;

    Event(String what, Runnable action, boolean push) {
      this.what = what;
      this.action = action;
      this.push = push;
    }
  }

  ListenerDispatcher(String threadName, int maxQueuedPushes) {
    this.maxQueuedPushes = maxQueuedPushes;
    this.thread = new Thread(this::run, threadName);
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues a control event; {@code what} names it in the log if the listener throws. */
  void post(String what, Runnable action) {
    queue.add(new Event(what, action, false));
  }

  /** Queues a push delivery; false when {@code maxQueuedPushes} are already waiting. */
  boolean postPush(String what, Runnable action) {
    if (queuedPushes.incrementAndGet() > maxQueuedPushes) {
      queuedPushes.decrementAndGet();
      return false;
    }
    queue.add(new Event(what, action, true));
    return true;
  }

  int queuedPushes() {
    return queuedPushes.get();
  }

  boolean isDispatchThread() {
    return Thread.currentThread() == thread;
  }

  /**
   * Runs the control events already queued, skips queued pushes, and stops the thread, waiting up
   * to {@code wait} for a listener that is still busy (not when called from the thread itself).
   */
  void close(Duration wait) throws InterruptedException {
    closing = true;
    queue.add(STOP);
    if (!isDispatchThread()) {
      thread.join(Math.max(1, wait.toMillis()));
      if (thread.isAlive()) {
        log.warn("listener thread {} still busy {} ms after close; interrupting it", thread.getName(),
            wait.toMillis());
        thread.interrupt();
      }
    }
  }

  private void run() {
    while (true) {
      Event event;
      try {
        event = queue.take();
      } catch (InterruptedException e) {
        return; // only close() interrupts, after queueing STOP
      }
      if (event == STOP) {
        return;
      }
      if (event.push) {
        queuedPushes.decrementAndGet();
        if (closing) {
          continue;
        }
      }
      try {
        event.action.run();
      } catch (VirtualMachineError e) {
        throw e;
      } catch (Throwable t) {
        log.warn("broker listener threw from {}; ignored", event.what, t);
      }
    }
  }
}
