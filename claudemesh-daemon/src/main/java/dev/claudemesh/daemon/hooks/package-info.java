/**
 * Hooks (SPEC §9): the per-hook policies read from {@code hooks.toml} and the event JSON a hook
 * reads on stdin, redacted and bounded in size.
 */
@NullMarked
package dev.claudemesh.daemon.hooks;

import org.jspecify.annotations.NullMarked;
