package dev.claudemesh.daemon.ipc;

import dev.claudemesh.api.Problem;
import dev.claudemesh.api.SendRequest;
import java.util.Optional;

/**
 * The last check of a send (and of a topic post) after the API's rules and before the outbox:
 * the {@code pre-send} hook of SPEC §9. It sees the request with its final {@code
 * client_message_id}. A refusal is answered as is and writes nothing.
 */
@FunctionalInterface
public interface SendGate {
  /** Lets every send through. */
  SendGate OPEN = request -> Optional.empty();

  /** Empty to let {@code request} through, else the problem to answer instead. */
  Optional<Problem> admit(SendRequest request);
}
