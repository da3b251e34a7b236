/**
 * The peer's event bus: typed events (SPEC §3.4 kinds) with monotonic ids, a bounded replay ring,
 * and subscriptions delivered on one dispatch thread so publishers never wait for subscribers.
 */
@NullMarked
package dev.claudemesh.core.events;

import org.jspecify.annotations.NullMarked;
