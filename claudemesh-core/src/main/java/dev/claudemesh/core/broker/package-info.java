/**
 * The broker WebSocket client of SPEC §7: signed hello, feature negotiation, pipelined sends with
 * acks correlated by id, pushes handed to a listener, keepalive, reconnect with backoff, and the
 * close-code policy of §7.6.
 */
@NullMarked
package dev.claudemesh.core.broker;

import org.jspecify.annotations.NullMarked;
