/**
 * The daemon's {@code config.toml} (SPEC §10.3) and the environment defaults it overrides (SPEC
 * §10.5, §3.1): read and validated once at start, sealed, and re-read on {@code daemon reload}.
 */
@NullMarked
package dev.claudemesh.daemon.config;

import org.jspecify.annotations.NullMarked;
