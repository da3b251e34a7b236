package dev.claudemesh.daemon.service;

import java.io.IOException;
import java.util.Objects;

/** Installing or removing the service failed or was refused; {@link #reason()} says which. */
public final class ServiceException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Stable kinds of failure, for exit codes and tests. */
  public enum Reason {
    /** Running in CI without {@code --allow-ci-persistent}. */
    REFUSED_IN_CI,
    /** {@code uninstall-service} found no service file. */
    NOT_INSTALLED,
    /** {@code systemctl} or {@code launchctl} exited non-zero; the message carries its output. */
    COMMAND_FAILED
  }

  private final Reason reason;

  ServiceException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason == null");
  }

  public Reason reason() {
    return reason;
  }
}
