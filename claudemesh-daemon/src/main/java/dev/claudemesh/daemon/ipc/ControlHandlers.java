package dev.claudemesh.daemon.ipc;

import dev.claudemesh.api.ErrorCodes;
import dev.claudemesh.api.Problem;
import dev.claudemesh.daemon.config.ConfigException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /v1/daemon/reload}, {@code /rotate-token} and {@code /shutdown}: socket only (a TCP
 * caller gets 403 {@code socket_only} even with a valid token), no body.
 */
final class ControlHandlers {
  static final String RELOAD = "/v1/daemon/reload";
  static final String ROTATE_TOKEN = "/v1/daemon/rotate-token";
  static final String SHUTDOWN = "/v1/daemon/shutdown";

  private ControlHandlers() {}

  static RouteHandler reload(ControlPort port) {
    return socketOnly(call -> {
      ControlPort.ReloadResult result;
      try {
        result = port.reload();
      } catch (ConfigException e) {
        return ApiResponse.problem(Problem.of(ErrorCodes.INVALID_REQUEST,
            "config.toml was not reloaded, the running config stays: " + e.getMessage()));
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("applied", result.applied());
      body.put("need_restart", result.needRestart());
      return ApiResponse.json(200, body);
    });
  }

  static RouteHandler rotateToken(ControlPort port) {
    return socketOnly(call -> {
      port.rotateToken();
      return ApiResponse.json(200, Map.of("rotated", true, "previous_valid_s", 60));
    });
  }

  static RouteHandler shutdown(ControlPort port) {
    return socketOnly(call -> {
      port.shutdown();
      return ApiResponse.json(202, Map.of("stopping", true));
    });
  }

  private static RouteHandler socketOnly(RouteHandler handler) {
    return call -> {
      if (call.transport() != Transport.UDS) {
        return ApiResponse.problem(Problem.of(ErrorCodes.SOCKET_ONLY,
            call.path() + " is served on daemon.sock only"));
      }
      return handler.handle(call);
    };
  }
}
