package dev.claudemesh.client;

import dev.claudemesh.api.Problem;

/** 507 {@code insufficient_storage}: the outbox is at 95 % of its byte budget (SPEC §4.9); nothing was written. */
public final class InsufficientStorageException extends ClaudemeshException {
  private static final long serialVersionUID = 1L;

  InsufficientStorageException(String route, Problem problem) {
    super(route, problem);
  }
}
