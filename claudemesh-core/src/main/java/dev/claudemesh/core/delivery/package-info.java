/**
 * Moving messages between the stores and the broker: the {@link
 * dev.claudemesh.core.delivery.DrainWorker} sends due outbox rows and maps acks to outbox
 * transitions (SPEC §4.5); the {@link dev.claudemesh.core.delivery.InboundHandler} validates,
 * decrypts and stores pushes, acknowledges them and publishes events (SPEC §5).
 */
@NullMarked
package dev.claudemesh.core.delivery;

import org.jspecify.annotations.NullMarked;
