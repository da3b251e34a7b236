package dev.claudemesh.broker.store;

/** An open delivery row just leased to a connection, with the message to push. */
public record LeasedDelivery(String deliveryId, String recipientMemberId, StoredMessage message) {}
