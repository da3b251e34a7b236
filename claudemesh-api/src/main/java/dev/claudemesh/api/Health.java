package dev.claudemesh.api;

import com.squareup.moshi.Json;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /v1/health} (SPEC §3.3), exactly its members. {@code broker_version} is absent until
 * the broker has said hello.
 */
public record Health(
    boolean connected,
    @Json(name = "lag_ms") long lagMs,
    @Json(name = "queue_depth") long queueDepth,
    long inflight,
    long dead,
    String mesh,
    @Json(name = "member_pubkey") String memberPubkey,
    @Json(name = "uptime_s") long uptimeS,
    @Json(name = "schema_version") int schemaVersion,
    @Json(name = "daemon_version") String daemonVersion,
    @Json(name = "broker_version") @Nullable String brokerVersion,
    boolean degraded) {}
