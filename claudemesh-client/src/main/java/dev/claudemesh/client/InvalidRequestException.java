package dev.claudemesh.client;

import dev.claudemesh.api.Problem;

/** 400 {@code invalid_request}: the body or a parameter breaks a rule; the detail names it. */
public final class InvalidRequestException extends ClaudemeshException {
  private static final long serialVersionUID = 1L;

  InvalidRequestException(String route, Problem problem) {
    super(route, problem);
  }
}
