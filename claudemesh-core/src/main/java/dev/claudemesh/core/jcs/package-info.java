/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): a strict I-JSON parser, a canonical writer, and
 * ECMAScript number formatting.
 *
 * <p>Entry points are {@link dev.claudemesh.core.jcs.Jcs} and {@link
 * dev.claudemesh.core.jcs.EcmaNumber}; every rejection is a {@link
 * dev.claudemesh.core.jcs.JcsException}.
 */
@NullMarked
package dev.claudemesh.core.jcs;

import org.jspecify.annotations.NullMarked;
