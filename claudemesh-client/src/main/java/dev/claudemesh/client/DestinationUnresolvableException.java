package dev.claudemesh.client;

import dev.claudemesh.api.Problem;

/** 422 {@code destination_unresolvable}: {@code to} names no known peer (SPEC §3.3); nothing was written. */
public final class DestinationUnresolvableException extends ClaudemeshException {
  private static final long serialVersionUID = 1L;

  DestinationUnresolvableException(String route, Problem problem) {
    super(route, problem);
  }
}
