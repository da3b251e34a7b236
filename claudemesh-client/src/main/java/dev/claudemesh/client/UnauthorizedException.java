package dev.claudemesh.client;

import dev.claudemesh.api.Problem;

/** 401 {@code unauthorized}: missing or wrong bearer token on TCP (SPEC §3.1). */
public final class UnauthorizedException extends ClaudemeshException {
  private static final long serialVersionUID = 1L;

  UnauthorizedException(String route, Problem problem) {
    super(route, problem);
  }
}
