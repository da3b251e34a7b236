/**
 * Typed Java client for the claudemesh daemon's local {@code /v1} API (SPEC §3.3): {@link
 * dev.claudemesh.client.ClaudemeshClient} and the exceptions its calls throw. Wire types are the
 * records of {@code dev.claudemesh.api}.
 */
@NullMarked
package dev.claudemesh.client;

import org.jspecify.annotations.NullMarked;
