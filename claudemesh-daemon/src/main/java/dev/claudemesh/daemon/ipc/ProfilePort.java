package dev.claudemesh.daemon.ipc;

import dev.claudemesh.api.Profile;
import dev.claudemesh.core.PeerException;
import java.io.IOException;

/**
 * What {@code POST /v1/profile} needs: change the members of this member's profile that are
 * present in {@code profile}, leaving the others (SPEC §3.3).
 */
@FunctionalInterface
public interface ProfilePort {
  void update(Profile profile) throws PeerException, IOException;
}
