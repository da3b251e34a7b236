/**
 * {@code claudemesh daemon install-service} and {@code uninstall-service} (SPEC §10.2): a systemd unit or
 * a launchd property list that runs {@code claudemesh daemon up --foreground --persistent} for one
 * mesh, written with its mode and activated through an injectable {@link
 * dev.claudemesh.daemon.service.CommandRunner}.
 */
@NullMarked
package dev.claudemesh.daemon.service;

import org.jspecify.annotations.NullMarked;
