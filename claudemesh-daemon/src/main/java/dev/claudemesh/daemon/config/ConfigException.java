package dev.claudemesh.daemon.config;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * {@code config.toml} cannot be used: unreadable, not TOML, or a value that is impossible. The
 * daemon refuses to start (or a reload is refused and the running config kept). The message names
 * the file and, when one is to blame, the key as {@code [table] key}.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final @Nullable String key;

  ConfigException(Path file, @Nullable String key, String message, @Nullable Throwable cause) {
    super(file + ": " + message, cause);
    this.file = file;
    this.key = key;
  }

  /** The config file that was read. */
  public Path file() {
    return file;
  }

  /** The offending key as {@code [table] key}, or null when the whole file is at fault. */
  public @Nullable String key() {
    return key;
  }
}
