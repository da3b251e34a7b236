/** Hooks: event scripts the daemon runs with scoped, short-lived capabilities (SPEC §9). */
@NullMarked
package dev.claudemesh.daemon.hooks;

import org.jspecify.annotations.NullMarked;
