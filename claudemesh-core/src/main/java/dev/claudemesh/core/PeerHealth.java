package dev.claudemesh.core;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of the peer's state (SPEC §3.3 {@code /v1/health}): broker connection, outbox depth by
 * state, sends in flight, mesh and member, uptime, versions, and whether the peer is degraded
 * (stopped by the broker, or out of disk).
 */
public record PeerHealth(
    boolean connected,
    long lagMs,
    long queueDepth,
    int inflight,
    long dead,
    String mesh,
    String memberPubkey,
    long uptimeS,
    int schemaVersion,
    String peerVersion,
    @Nullable String brokerVersion,
    boolean degraded,
    @Nullable String degradedReason,
    Map<String, Map<String, @Nullable Object>> brokerFeaturesNegotiated) {}
