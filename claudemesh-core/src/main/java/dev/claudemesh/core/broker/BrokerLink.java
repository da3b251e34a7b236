package dev.claudemesh.core.broker;

import dev.claudemesh.core.protocol.Ack;
import dev.claudemesh.core.protocol.ClientAck;
import dev.claudemesh.core.protocol.Frame;
import dev.claudemesh.core.protocol.Request;
import dev.claudemesh.core.protocol.SendFrame;
import java.util.concurrent.CompletableFuture;

/**
 * What the drain worker and the peer facade need of a broker connection. Implemented by {@link
 * BrokerConnection}; tests use small fakes.
 *
 * <p>Futures complete on a thread of the connection, never on the caller's; callers that touch
 * disk in a callback move to their own executor.
 */
public interface BrokerLink {
  /**
   * Sends one frame without waiting for earlier sends (pipelined). The future completes with the
   * broker's {@code ack} of the same {@code id}, or exceptionally with an {@link
   * java.io.IOException} when the link is down, the connection drops before the ack, or no ack
   * arrives within the ack timeout (15 s).
   */
  CompletableFuture<Ack> send(SendFrame frame);

  /**
   * Sends a §7.5 request; completes with the answer of the same {@code _reqId} ({@code
   * peers_list}, {@code topics_list} or {@code ok}), or exceptionally with {@link
   * BrokerErrorException} for an {@code error} answer and {@link java.io.IOException} for
   * transport failures and timeouts.
   */
  CompletableFuture<Frame> request(Request request);

  /**
   * Queues a {@code client_ack} on the current socket once its {@code hello_ack} arrived (also
   * during feature negotiation, when pushes may already flow); returns false when there is no such
   * socket (the broker will redeliver and the inbox dedupes).
   */
  boolean clientAck(ClientAck ack);

  /** True between a successful negotiation and the next disconnect. */
  boolean isConnected();
}
