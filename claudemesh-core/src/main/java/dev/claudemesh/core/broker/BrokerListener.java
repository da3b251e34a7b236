package dev.claudemesh.core.broker;

import dev.claudemesh.core.protocol.Frame;
import dev.claudemesh.core.protocol.HelloAck;
import dev.claudemesh.core.protocol.InvalidFrameException;
import dev.claudemesh.core.protocol.NegotiatedFeatures;
import dev.claudemesh.core.protocol.NegotiationFailure;
import dev.claudemesh.core.protocol.Push;

/**
 * Receives what happens on a {@link BrokerConnection}. Every method is called on the connection's
 * own single dispatch thread (never OkHttp's), one at a time and in order, so an implementation
 * may block briefly (an inbox commit) without stalling the socket. Exceptions thrown here are
 * logged and swallowed.
 */
public interface BrokerListener {
  /** Hello acknowledged and features agreed: sends may flow. */
  default void onConnected(HelloAck helloAck, NegotiatedFeatures features) {}

  /** A validated push (message or system). */
  default void onPush(Push push) {}

  /**
   * The connection ended. {@code willReconnect} is false after a close code of §7.6 that forbids
   * reconnecting ({@link #onFatal} follows) or after {@code close()}.
   */
  default void onDisconnected(int code, String reason, boolean willReconnect) {}

  /** Feature negotiation failed; the connection closed with 4010 and will not reconnect. */
  default void onNegotiationFailed(NegotiationFailure failure) {}

  /**
   * The broker closed with a code that forbids reconnecting (4002, 4003, 4004, 4010, 1008), or
   * the local side gave up; the connection is stopped for good.
   */
  default void onFatal(BrokerFatalException failure) {}

  /** A frame that failed validation was dropped (already counted). */
  default void onInvalidFrame(InvalidFrameException problem) {}

  /**
   * A valid frame that does not fit the conversation was dropped (already counted with the invalid
   * frames): an {@code ack} or answer for an id with nothing in flight, a handshake frame out of
   * turn, or a frame only clients send. {@code problem} names the frame type and id, never
   * contents.
   */
  default void onUnexpectedFrame(Frame frame, String problem) {}
}
