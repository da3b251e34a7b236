package dev.claudemesh.client;

import dev.claudemesh.api.Problem;

/** 429 {@code daemon_busy}: more than 64 requests in flight (SPEC §3.2); see {@link #retryAfter()}. */
public final class DaemonBusyException extends ClaudemeshException {
  private static final long serialVersionUID = 1L;

  DaemonBusyException(String route, Problem problem) {
    super(route, problem);
  }
}
