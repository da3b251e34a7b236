/**
 * Small runnable programs that show claudemesh from the outside: an embedded {@code Peer}, and
 * the typed client against daemons. Each exits 0 when what it shows happened and 1 when it did
 * not, so the build runs them as checks.
 */
@NullMarked
package dev.claudemesh.examples;

import org.jspecify.annotations.NullMarked;
