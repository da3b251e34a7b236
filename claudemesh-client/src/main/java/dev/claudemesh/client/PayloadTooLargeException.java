package dev.claudemesh.client;

import dev.claudemesh.api.Problem;

/** 413 {@code payload_too_large}: body over 1 MiB or message over the negotiated inline limit (SPEC §3.2, §4.4). */
public final class PayloadTooLargeException extends ClaudemeshException {
  private static final long serialVersionUID = 1L;

  PayloadTooLargeException(String route, Problem problem) {
    super(route, problem);
  }
}
