/**
 * The request fingerprint of SPEC §4.3: a SHA-256 over the parts of a send that decide whether a
 * reused {@code client_message_id} names the same request.
 */
@NullMarked
package dev.claudemesh.core.fingerprint;

import org.jspecify.annotations.NullMarked;
