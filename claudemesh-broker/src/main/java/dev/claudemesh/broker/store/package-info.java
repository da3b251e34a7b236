/**
 * The reference broker's durable state behind one interface, {@link BrokerStore}: meshes,
 * members, invites, topics, the dedupe table of SPEC §8.2, messages, history and delivery rows.
 * Broker logic speaks in operations with typed results ({@code acceptSend}, {@code join}, {@code
 * leaseOpenDeliveries}); SQL lives only in the store implementations.
 */
@NullMarked
package dev.claudemesh.broker.store;

import org.jspecify.annotations.NullMarked;
