package dev.claudemesh.client;

import dev.claudemesh.api.Problem;

/**
 * 403 {@code pre_send_rejected}: the daemon's {@code pre-send} hook refused the send (SPEC §9),
 * timed out or could not run; nothing was written. The {@link #detail()} carries the first line
 * the hook printed. Retrying the same request is refused again unless the policy changes.
 */
public final class PreSendRejectedException extends ClaudemeshException {
  private static final long serialVersionUID = 1L;

  PreSendRejectedException(String route, Problem problem) {
    super(route, problem);
  }
}
