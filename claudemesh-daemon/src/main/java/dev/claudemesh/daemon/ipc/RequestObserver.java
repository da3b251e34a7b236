package dev.claudemesh.daemon.ipc;

import org.jspecify.annotations.Nullable;

/** Told of every answered request, guard refusals included (metrics). Must not throw or block. */
@FunctionalInterface
interface RequestObserver {
  RequestObserver NONE = (routePath, status, transport, durationNanos) -> {};

  /**
   * @param routePath the route table path of the request, or null when its path is not in the
   *     table
   * @param durationNanos from the request reaching the guard to its answer being ready
   */
  void answered(@Nullable String routePath, int status, Transport transport, long durationNanos);
}
