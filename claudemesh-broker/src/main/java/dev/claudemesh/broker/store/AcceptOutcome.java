package dev.claudemesh.broker.store;

import java.util.List;

/** What {@link BrokerStore#acceptSend} decided for one send. */
public sealed interface AcceptOutcome {
  /** B3 committed: dedupe (if keyed), message, history and delivery rows exist. */
  record Accepted(String brokerMessageId, String historyId, long firstSeenAt, List<NewDelivery> deliveries)
      implements AcceptOutcome {
    public Accepted {
      deliveries = List.copyOf(deliveries);
    }
  }

  /**
   * Another accept holds the dedupe row for this key (a race past B0); nothing was written. The
   * caller compares fingerprints to answer duplicate or conflict.
   */
  record Existing(DedupeRecord row) implements AcceptOutcome {}

  /** The topic does not exist (any more); nothing was written. */
  record TopicNotFound(String topic) implements AcceptOutcome {}

  /** The DM recipient is not an active member of the mesh; nothing was written. */
  record RecipientNotFound(String pubkey) implements AcceptOutcome {}

  /** A delivery row created by an accept; {@code leaseOwner} is null for an offline recipient. */
  record NewDelivery(String deliveryId, String recipientMemberId, @org.jspecify.annotations.Nullable String leaseOwner) {}
}
