package dev.claudemesh.daemon.ipc;

import java.io.IOException;

/** Answers one route; runs after the guard, with the body already read within the limit. */
@FunctionalInterface
interface RouteHandler {
  ApiResponse handle(ApiCall call) throws IOException;
}
