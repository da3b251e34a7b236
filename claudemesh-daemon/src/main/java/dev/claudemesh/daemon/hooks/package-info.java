/**
 * Hooks (SPEC §9): event scripts the daemon runs with scoped, short-lived capabilities. {@link
 * dev.claudemesh.daemon.hooks.HookManager} decides what runs when; {@link
 * dev.claudemesh.daemon.hooks.HooksConfig} reads the per-hook policies of {@code hooks.toml};
 * {@link dev.claudemesh.daemon.hooks.HookPayload} writes the event JSON a hook reads on stdin;
 * {@link dev.claudemesh.daemon.hooks.HookProcess} runs one hook in its own process group; {@link
 * dev.claudemesh.daemon.hooks.HookTokens} holds the capability tokens the IPC guard checks.
 */
@NullMarked
package dev.claudemesh.daemon.hooks;

import org.jspecify.annotations.NullMarked;
