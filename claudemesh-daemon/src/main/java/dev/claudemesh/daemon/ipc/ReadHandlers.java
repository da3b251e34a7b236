package dev.claudemesh.daemon.ipc;

/** The read-only routes that need no body: {@code GET /v1/version} and {@code GET /v1/health}. */
final class ReadHandlers {
  private ReadHandlers() {}

  static RouteHandler version(VersionInfo info) {
    return call -> ApiResponse.json(200, info.version());
  }

  static RouteHandler health(HealthPort port) {
    return call -> ApiResponse.json(200, port.health());
  }
}
