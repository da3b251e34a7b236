package dev.claudemesh.daemon.ipc;

import dev.claudemesh.api.SendRequest;
import dev.claudemesh.core.PeerException;
import dev.claudemesh.core.store.AcceptResult;
import java.io.IOException;

/**
 * What {@code POST /v1/send} needs from the peer: accept one send (SPEC §4.4). The request has
 * passed the API's rules, and carries the {@code Idempotency-Key} as its id when one was sent.
 */
@FunctionalInterface
public interface SendPort {
  AcceptResult send(SendRequest request) throws PeerException, IOException;
}
