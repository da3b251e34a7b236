/**
 * A member's identity on disk and in memory (SPEC §1, §2): the daemon directory and its files,
 * persistent and ephemeral modes, the local API token, host-fingerprint clone detection, the
 * rotated-key archive, and import from the original claudemesh CLI.
 */
@NullMarked
package dev.claudemesh.core.identity;

import org.jspecify.annotations.NullMarked;
