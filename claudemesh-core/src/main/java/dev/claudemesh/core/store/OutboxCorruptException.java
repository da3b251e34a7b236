package dev.claudemesh.core.store;

import java.io.IOException;

/** {@code outbox.db} failed its integrity check: the daemon must not start (SPEC §4.8). */
public final class OutboxCorruptException extends IOException {
  private static final long serialVersionUID = 1L;
  public static final String RECOVERY_COMMAND = "claudemesh daemon recover";

  OutboxCorruptException(String detail, Throwable cause) {
    super("outbox.db failed its integrity check (" + detail + "); refusing to start so no accepted send is lost."
        + " Run `" + RECOVERY_COMMAND + "`", cause);
  }
}
