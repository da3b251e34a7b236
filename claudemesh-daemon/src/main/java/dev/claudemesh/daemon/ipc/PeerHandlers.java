package dev.claudemesh.daemon.ipc;

import dev.claudemesh.api.Profile;

/**
 * {@code GET /v1/peers} and {@code POST /v1/profile} (SPEC §3.3). The profile answer is the
 * profile as sent: the members that were changed.
 */
final class PeerHandlers {
  private PeerHandlers() {}

  static RouteHandler peers(PeersPort port) {
    return call -> JsonBodies.peer(() -> ApiResponse.json(200, port.peers()));
  }

  static RouteHandler profile(ProfilePort port) {
    return call -> {
      Profile profile;
      try {
        profile = JsonBodies.read(call, Profile.class);
      } catch (JsonBodies.Refused e) {
        return ApiResponse.problem(e.problem);
      }
      return JsonBodies.peer(() -> {
        port.update(profile);
        return ApiResponse.json(200, profile);
      });
    };
  }
}
