package dev.claudemesh.broker;

import dev.claudemesh.broker.store.ConnectionPolicy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The sealed, validated configuration of one {@link ReferenceBroker}. */
record Settings(
    Path dbPath,
    String host,
    int port,
    Clock clock,
    Map<String, Map<String, @Nullable Object>> advertisedFeatures,
    boolean permanentDedupe,
    int dedupeRetentionDays,
    int messageRetentionDays,
    long inlineBytes,
    Duration deliveryLease,
    Duration presenceGrace,
    int rateLimit,
    Duration rateWindow,
    ConnectionPolicy defaultPolicy,
    Duration helloTimeout,
    Duration keepaliveInterval,
    Duration silenceTimeout,
    Duration maintenanceInterval,
    Duration sweepInterval,
    Duration inviteTtl,
    FaultInjection faults,
    int maxPendingHellos,
    boolean echoEndpoint) {}
