/**
 * The daemon's Prometheus metrics (SPEC §10.4): {@link dev.claudemesh.daemon.metrics.DaemonMetrics}
 * reads the core {@code Peer}'s counters and stores at scrape time and counts IPC requests; the IPC
 * server serves it as {@code GET /v1/metrics}.
 */
@NullMarked
package dev.claudemesh.daemon.metrics;

import org.jspecify.annotations.NullMarked;
