/**
 * {@code daemon.log} (SPEC §1): JSON lines, mode 0600 from creation for the file and every rolled
 * file, rolled at 100 MB and daily, kept 14 days, bearer tokens masked; and {@code claudemesh
 * daemon logs [-f]}.
 */
@NullMarked
package dev.claudemesh.daemon.logging;

import org.jspecify.annotations.NullMarked;
