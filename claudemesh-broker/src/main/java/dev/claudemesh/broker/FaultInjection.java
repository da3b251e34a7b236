package dev.claudemesh.broker;

import dev.claudemesh.core.protocol.SendFrame;

/**
 * Makes the broker misbehave on purpose, so clients can be tested against failures a healthy
 * broker does not produce on demand: a connection lost between commit and ack, a lost {@code
 * client_ack}. Set with {@link ReferenceBroker.Builder#faultInjectionForTests}; never in
 * production. Methods run on broker threads and must return quickly.
 */
public interface FaultInjection {
  /** No faults. */
  FaultInjection NONE = new FaultInjection() {};

  /**
   * Called after a send committed (B3) and its pushes went out, before the ack is written. Return
   * true to drop the sender's connection instead of acknowledging, as if the network failed
   * between the commit and the ack.
   */
  default boolean dropConnectionBeforeAck(String senderMemberId, SendFrame send) {
    return false;
  }

  /** Return true to ignore a {@code client_ack}, as if it was lost on the way. */
  default boolean ignoreClientAck(String memberId, String deliveryId) {
    return false;
  }
}
