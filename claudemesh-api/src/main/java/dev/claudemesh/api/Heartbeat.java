package dev.claudemesh.api;

/** The answer to a heartbeat: {@code ok} and the daemon's clock, epoch milliseconds. */
public record Heartbeat(boolean ok, long ts) {}
