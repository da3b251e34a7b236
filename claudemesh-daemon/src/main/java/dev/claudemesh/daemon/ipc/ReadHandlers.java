package dev.claudemesh.daemon.ipc;

import dev.claudemesh.api.ErrorCodes;
import dev.claudemesh.api.HeartbeatRequest;
import dev.claudemesh.api.Problem;
import dev.claudemesh.api.RequestRules;
import java.util.Optional;

/**
 * The small routes: {@code GET /v1/version}, {@code GET /v1/health}, {@code GET /v1/compat} and
 * {@code POST /v1/heartbeat}.
 */
final class ReadHandlers {
  /** Largest pid accepted (Linux's {@code pid_max} limit). */
  static final long MAX_PID = 4_194_304L;

  private ReadHandlers() {}

  static RouteHandler compat(CompatInfo info) {
    return call -> ApiResponse.json(200, info.compat());
  }

  /**
   * Reads the heartbeat strictly ({@code {}} is one; an empty body counts as {@code {}}),
   * checks {@code caller} as a name and {@code pid} as a process id, and records it.
   */
  static RouteHandler heartbeat(Heartbeats heartbeats) {
    return call -> {
      HeartbeatRequest request;
      if (call.body().length == 0) {
        request = new HeartbeatRequest(null, null);
      } else {
        try {
          request = JsonBodies.read(call, HeartbeatRequest.class);
        } catch (JsonBodies.Refused e) {
          return ApiResponse.problem(e.problem);
        }
      }
      if (request.caller() != null) {
        Optional<Problem> bad = RequestRules.name(request.caller(), "caller");
        if (bad.isPresent()) {
          return ApiResponse.problem(bad.get());
        }
      }
      if (request.pid() != null && (request.pid() < 1 || request.pid() > MAX_PID)) {
        return ApiResponse.problem(Problem.of(ErrorCodes.INVALID_REQUEST,
            "pid must be 1 to " + MAX_PID + ", got " + request.pid()));
      }
      return ApiResponse.json(200, heartbeats.beat(request));
    };
  }

  static RouteHandler version(VersionInfo info) {
    return call -> ApiResponse.json(200, info.version());
  }

  static RouteHandler health(HealthPort port) {
    return call -> ApiResponse.json(200, port.health());
  }
}
