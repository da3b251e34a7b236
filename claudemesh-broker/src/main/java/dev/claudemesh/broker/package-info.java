/**
 * The claudemesh reference broker (SPEC §8): {@link ReferenceBroker} serves the WebSocket
 * protocol of SPEC §7 and the join endpoint on one Jetty port over a {@link
 * dev.claudemesh.broker.store.BrokerStore}; {@link BrokerCli} is its command line.
 */
@NullMarked
package dev.claudemesh.broker;

import org.jspecify.annotations.NullMarked;
