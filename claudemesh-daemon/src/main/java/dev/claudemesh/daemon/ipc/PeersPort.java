package dev.claudemesh.daemon.ipc;

import dev.claudemesh.api.PeerList;
import dev.claudemesh.core.PeerException;
import java.io.IOException;

/** What {@code GET /v1/peers} needs: the peers the broker reports live (SPEC §3.3). */
@FunctionalInterface
public interface PeersPort {
  PeerList peers() throws PeerException, IOException;
}
