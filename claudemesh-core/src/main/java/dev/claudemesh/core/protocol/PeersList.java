package dev.claudemesh.core.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Broker → client {@code peers_list {peers[], _reqId}}, the answer to {@code list_peers}. */
public record PeersList(String reqId, List<PeerInfo> peers) implements Frame {
  public static final String TYPE = "peers_list";

  public PeersList {
    Check.id(reqId, "_reqId");
    peers = Check.list(peers, "peers", 100_000);
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Map<String, @Nullable Object> toJson() {
    List<Object> list = new ArrayList<>(peers.size());
    for (PeerInfo peer : peers) {
      list.add(peer.toJson());
    }
    return new Obj(TYPE).put("_reqId", reqId).put("peers", list).build();
  }

  static PeersList read(Fields f) throws InvalidFrameException {
    List<PeerInfo> peers = new ArrayList<>();
    for (Fields peer : f.objects("peers", "peer")) {
      peers.add(Frames.construct(peer, () -> PeerInfo.read(peer)));
    }
    return new PeersList(f.string("_reqId"), peers);
  }
}
