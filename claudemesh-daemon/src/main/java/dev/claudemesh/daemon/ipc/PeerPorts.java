package dev.claudemesh.daemon.ipc;

import dev.claudemesh.api.Health;
import dev.claudemesh.api.SendRequest;
import dev.claudemesh.api.Version;
import dev.claudemesh.core.Peer;
import dev.claudemesh.core.PeerHealth;
import dev.claudemesh.core.fingerprint.Priority;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** The ports of the IPC handlers, served by the core {@link Peer}. */
public final class PeerPorts {
  private PeerPorts() {}

  public static SendPort send(Peer peer) {
    Objects.requireNonNull(peer, "peer == null");
    return request -> peer.send(toCore(request));
  }

  /** The API body as the core's send; the id is the {@code Idempotency-Key} when one was sent. */
  static dev.claudemesh.core.SendRequest toCore(SendRequest request) {
    dev.claudemesh.core.SendRequest.Builder b =
        dev.claudemesh.core.SendRequest.builder(request.to(), request.message())
            .meta(request.meta())
            .replyToId(request.replyToId())
            .clientMessageId(request.clientMessageId());
    if (request.priority() != null) {
      b.priority(Priority.fromWire(request.priority()));
    }
    return b.build();
  }

  public static HealthPort health(Peer peer) {
    Objects.requireNonNull(peer, "peer == null");
    return () -> toHealth(peer.health());
  }

  public static VersionInfo version(Peer peer) {
    Objects.requireNonNull(peer, "peer == null");
    return () -> {
      PeerHealth h = peer.health();
      Map<String, Object> features = new LinkedHashMap<>(h.brokerFeaturesNegotiated());
      return Version.current(h.peerVersion(), h.schemaVersion(), features);
    };
  }

  static Health toHealth(PeerHealth h) {
    return new Health(h.connected(), h.lagMs(), h.queueDepth(), h.inflight(), h.dead(), h.mesh(),
        h.memberPubkey(), h.uptimeS(), h.schemaVersion(), h.peerVersion(), h.brokerVersion(),
        h.degraded());
  }
}
