package dev.claudemesh.daemon;

import dev.claudemesh.core.internal.SecureFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code daemon.pid} (SPEC §1, mode 0600): the pid of the running daemon. A file naming a process
 * that no longer runs is stale and replaced; one naming a live JVM other than this one refuses the
 * start. The pid file is a hint for operators and {@code daemon down}; whether a daemon serves is
 * decided by connecting to its socket, never by this file alone.
 */
public final class PidFile implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PidFile.class);

  private final Path file;
  private final long pid;

  private PidFile(Path file, long pid) {
    this.file = file;
    this.pid = pid;
  }

  /**
   * Writes this process's pid to {@code file}.
   *
   * @throws IllegalStateException when the file names another live JVM
   */
  static PidFile acquire(Path file) throws IOException {
    Objects.requireNonNull(file, "file == null");
    long self = ProcessHandle.current().pid();
    OptionalLong existing = read(file);
    if (existing.isPresent() && existing.getAsLong() != self) {
      Optional<ProcessHandle> other = ProcessHandle.of(existing.getAsLong());
      if (other.isPresent() && other.get().isAlive() && looksLikeJava(other.get())) {
        throw new IllegalStateException("a daemon is already running with pid "
            + existing.getAsLong() + " (" + file + "); stop it with `claudemesh daemon down`");
      }
      log.info("replacing stale pid file {} (pid {} is not running)", file, existing.getAsLong());
    }
    SecureFiles.writeAtomically(file, (self + "\n").getBytes(StandardCharsets.US_ASCII),
        SecureFiles.FILE_0600);
    return new PidFile(file, self);
  }

  /** The pid in {@code file}; empty when it is missing or does not hold a number. */
  public static OptionalLong read(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII).trim();
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    }
    if (text.isEmpty() || text.length() > 19 || !text.chars().allMatch(Character::isDigit)) {
      log.warn("pid file {} does not hold a pid; ignoring it", file);
      return OptionalLong.empty();
    }
    return OptionalLong.of(Long.parseLong(text));
  }

  private static boolean looksLikeJava(ProcessHandle process) {
    // When the command cannot be read (another user's process), assume it may be a daemon.
    return process.info().command().map(c -> c.contains("java")).orElse(true);
  }

  long pid() {
    return pid;
  }

  /** Removes the file when it still names this process. */
  @Override
  public void close() {
    try {
      OptionalLong current = read(file);
      if (current.isPresent() && current.getAsLong() == pid) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      log.warn("could not remove {}: {}", file, e.toString());
    }
  }

  @Override
  public String toString() {
    return "PidFile{" + file + ", pid=" + pid + "}";
  }
}
