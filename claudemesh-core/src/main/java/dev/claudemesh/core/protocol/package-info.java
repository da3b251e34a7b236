/**
 * The broker wire protocol of SPEC §7 as typed, validated frames.
 *
 * <p>Frames are JSON text. They are parsed with the strict parser of {@code jcs} (no duplicate
 * names, no lone surrogates, bounded nesting) and written in RFC 8785 canonical form, so the same
 * frame always has the same bytes. {@link Frames#decode} never returns a half-valid frame: either
 * every field the frame type needs is present with the right type and bounds, or it throws {@link
 * InvalidFrameException} naming the first problem. Both sides of the wire (the core client and the
 * reference broker) use these types.
 */
@NullMarked
package dev.claudemesh.core.protocol;

import org.jspecify.annotations.NullMarked;
