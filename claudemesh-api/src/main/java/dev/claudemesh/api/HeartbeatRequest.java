package dev.claudemesh.api;

import org.jspecify.annotations.Nullable;

/**
 * {@code POST /v1/heartbeat} (SPEC §3.3): a caller says it is alive. {@code caller} names it (for
 * example a session or tool name), {@code pid} is its process id; both optional, so {@code {}} is
 * a valid heartbeat.
 */
public record HeartbeatRequest(@Nullable String caller, @Nullable Long pid) implements ApiRequest {}
