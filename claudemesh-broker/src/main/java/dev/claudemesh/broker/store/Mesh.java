package dev.claudemesh.broker.store;

/** A mesh: its stable id, its human slug and its connection policy. */
public record Mesh(String id, String slug, ConnectionPolicy policy, long createdAt) {}
