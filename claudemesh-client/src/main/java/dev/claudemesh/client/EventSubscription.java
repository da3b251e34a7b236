package dev.claudemesh.client;

/**
 * An open event stream from {@link ClaudemeshClient#events}. It reconnects by itself; {@link
 * #close()} ends the stream and its thread.
 */
public interface EventSubscription extends AutoCloseable {
  /** The id of the last event delivered, or the one the subscription started after; -1 if none. */
  long lastEventId();

  /** Whether the stream is still wanted (not closed, not failed for good). */
  boolean isActive();

  /** Stops the stream and waits briefly for its thread; idempotent, never throws. */
  @Override
  void close();
}
