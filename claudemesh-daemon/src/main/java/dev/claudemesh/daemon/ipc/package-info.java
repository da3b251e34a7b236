/**
 * The daemon's local {@code /v1} API server (SPEC §3): one Jetty server with a Unix socket connector
 * ({@code daemon.sock}) and, when enabled, a loopback TCP connector, both feeding one handler that
 * applies the §3.1/§3.2 guard before one versioned route table. Handlers depend on narrow ports
 * ({@link dev.claudemesh.daemon.ipc.SendPort}, {@link dev.claudemesh.daemon.ipc.TopicPort},
 * {@link dev.claudemesh.daemon.ipc.InboxPort}, {@link dev.claudemesh.daemon.ipc.PeersPort},
 * {@link dev.claudemesh.daemon.ipc.ProfilePort}, {@link dev.claudemesh.daemon.ipc.OutboxPort},
 * {@link dev.claudemesh.daemon.ipc.EventsPort}, {@link dev.claudemesh.daemon.ipc.CompatInfo},
 * {@link dev.claudemesh.daemon.ipc.HealthPort}, {@link dev.claudemesh.daemon.ipc.VersionInfo}) and
 * the in-memory {@link dev.claudemesh.daemon.ipc.Heartbeats}; {@link
 * dev.claudemesh.daemon.ipc.PeerPorts} adapts the core {@code Peer} to them.
 */
@NullMarked
package dev.claudemesh.daemon.ipc;

import org.jspecify.annotations.NullMarked;
