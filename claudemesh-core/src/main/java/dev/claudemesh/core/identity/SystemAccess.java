package dev.claudemesh.core.identity;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The parts of the operating system the host probes read, behind one narrow interface so each probe
 * is tested with a fake on any OS. No method throws for a missing or failing source; each reports
 * absence instead, so a probe can fall through to its next source.
 */
interface SystemAccess {
  /** The file's content as UTF-8, or empty if it is missing or unreadable. */
  Optional<String> readFile(Path file);

  /**
   * Runs a command without a shell and returns its standard output if it exits with status 0 within
   * {@code timeout}; empty on any failure, non-zero exit or timeout. A command that outlives the
   * timeout is killed.
   */
  Optional<String> run(List<String> command, Duration timeout);

  /** The interfaces the OS reports, in no particular order; empty if they cannot be listed. */
  List<Nic> networkInterfaces();

  /** Whether the path exists; false when that cannot be determined. */
  boolean exists(Path path);
}
