/**
 * Test kit: {@link dev.claudemesh.testing.MeshHarness} runs a reference broker in-process on a
 * free port with one mesh, and opens peers in their own temp directories.
 */
@NullMarked
package dev.claudemesh.testing;

import org.jspecify.annotations.NullMarked;
