/** Plumbing shared by core's packages; not a public API and not stable. */
@NullMarked
package dev.claudemesh.core.internal;

import org.jspecify.annotations.NullMarked;
