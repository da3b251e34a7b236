package dev.claudemesh.core.broker;

import java.io.IOException;
import java.time.Duration;

/**
 * No answer arrived in time: the {@code ack} of a send, or the answer to a §7.5 request. The
 * frame may or may not have reached the broker; a send is safe to retry with the same {@code
 * client_message_id} (the broker dedupes it).
 */
public final class BrokerTimeoutException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String id;
  private final Duration elapsed;

  BrokerTimeoutException(String message, String id, Duration elapsed) {
    super(message);
    this.id = id;
    this.elapsed = elapsed;
  }

  /** The send's {@code id} or the request's {@code _reqId}. */
  public String id() {
    return id;
  }

  /** How long the frame had been waiting when it timed out. */
  public Duration elapsed() {
    return elapsed;
  }
}
