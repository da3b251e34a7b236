package dev.claudemesh.broker.store;

/**
 * A member of one mesh. The same pubkey may be a member of several meshes, each time with its
 * own member id. {@code ephemeral} members (joined with an ephemeral invite) are removed once
 * their last connection is gone for the presence grace window.
 */
public record Member(
    String id,
    String meshId,
    String pubkey,
    String displayName,
    String role,
    boolean revoked,
    boolean ephemeral,
    long joinedAt) {}
