package dev.claudemesh.core.identity;

import java.io.IOException;

/**
 * The daemon must not start with this identity: the host fingerprint does not match and the
 * policy is refuse. {@link #exitCode()} is 4 (SPEC §10.1); the message names {@code accept-host}
 * and {@code remint}.
 */
public final class IdentityUnavailableException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient CloneCheck check;

  IdentityUnavailableException(CloneCheck check) {
    super(check.message());
    this.check = check;
  }

  public CloneCheck cloneCheck() {
    return check;
  }

  public int exitCode() {
    return CloneCheck.EXIT_CODE_REFUSED;
  }
}
