package dev.claudemesh.client;

import dev.claudemesh.api.ServerEvent;
import java.io.IOException;
import java.time.Duration;

/**
 * Receives the daemon's events (SPEC §3.4) from {@link ClaudemeshClient#events}. Every method is
 * called on the subscription's own thread, one at a time, in stream order; a slow listener delays
 * the stream (the daemon drops a client that falls 1,024 events behind, and the subscription then
 * resumes with {@code Last-Event-ID}). An exception thrown by a method is logged and ignored.
 */
public interface EventListener {
  /**
   * One event, {@code replay_gap} included: after a reconnect the daemon sends it first when it
   * could not replay every event after the last one seen (its ring is bounded, and a restarted
   * daemon starts its ids at 1 again).
   */
  void onEvent(ServerEvent event);

  /** The stream is open (first connect and every reconnect). */
  default void onOpen() {}

  /**
   * The stream failed or ended and will be opened again after {@code delay}; {@code cause} is the
   * transport failure, a {@link DaemonNotRunningException}, or a {@link ClaudemeshException} the
   * daemon may get over ({@code 429}, {@code 503}).
   */
  default void onReconnecting(IOException cause, Duration delay) {}

  /**
   * The daemon refused the stream for good (for example {@code 401} on TCP with a wrong token):
   * the subscription has stopped.
   */
  default void onFailure(ClaudemeshException cause) {}
}
