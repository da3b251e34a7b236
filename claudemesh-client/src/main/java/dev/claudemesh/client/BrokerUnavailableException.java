package dev.claudemesh.client;

import dev.claudemesh.api.Problem;

/** 503 {@code broker_unavailable}: the route needs the broker and the daemon has no connection to it. */
public final class BrokerUnavailableException extends ClaudemeshException {
  private static final long serialVersionUID = 1L;

  BrokerUnavailableException(String route, Problem problem) {
    super(route, problem);
  }
}
