/**
 * The embeddable peer (SPEC §6). {@link dev.claudemesh.core.Peer} is the entry point: a builder
 * opens a peer on a daemon directory, connects to the broker and exposes send, inbox, topics,
 * peers, profile, events and health.
 */
@NullMarked
package dev.claudemesh.core;

import org.jspecify.annotations.NullMarked;
