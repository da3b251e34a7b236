package dev.claudemesh.client;

import dev.claudemesh.api.Problem;

/** 429 {@code rate_limited}: the per-token rate was exceeded (SPEC §3.2); see {@link #retryAfter()}. */
public final class RateLimitedException extends ClaudemeshException {
  private static final long serialVersionUID = 1L;

  RateLimitedException(String route, Problem problem) {
    super(route, problem);
  }
}
