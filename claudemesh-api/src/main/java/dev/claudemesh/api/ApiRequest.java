package dev.claudemesh.api;

/**
 * A body a client sends to the daemon. {@link ApiJson} reads these strictly: an unknown member is
 * refused (a misspelt {@code client_message_id} must not silently drop the caller's id), while
 * response bodies ignore unknown members so older clients can read newer daemons.
 */
public interface ApiRequest {}
