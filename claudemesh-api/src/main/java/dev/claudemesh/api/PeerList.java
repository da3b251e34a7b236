package dev.claudemesh.api;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** {@code GET /v1/peers} (SPEC §3.3): the peers the broker reports live. */
public record PeerList(List<Peer> peers) {
  public PeerList {
    peers = List.copyOf(peers);
  }

  /** One live peer: member pubkey (64 hex), display name and its public profile. */
  public record Peer(
      String pubkey,
      String name,
      @Nullable String status,
      @Nullable String summary,
      @Nullable String title,
      @Nullable String avatar,
      @Nullable List<String> capabilities) {
    public Peer {
      capabilities = Copies.list(capabilities);
    }
  }
}
