package dev.claudemesh.daemon.hooks;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * {@code hooks.toml} cannot be used: missing, unreadable, too large, not TOML, or a table or value
 * that breaks a rule of {@link HooksConfig}. The message names the file and, when one is to blame,
 * the key as {@code [table] key} with its line and column.
 */
public final class HooksConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final @Nullable String key;

  HooksConfigException(Path file, @Nullable String key, String message, @Nullable Throwable cause) {
    super(file + ": " + message, cause);
    this.file = file;
    this.key = key;
  }

  /** The file that was read. */
  public Path file() {
    return file;
  }

  /**
   * The offending table or key as {@code [table]} or {@code [table] key}, or null when the whole
   * file is at fault.
   */
  public @Nullable String key() {
    return key;
  }
}
