package dev.claudemesh.daemon.ipc;

import dev.claudemesh.api.ApiJsonException;
import dev.claudemesh.api.ErrorCodes;
import dev.claudemesh.api.PageQuery;
import dev.claudemesh.api.Problem;
import dev.claudemesh.api.RequestRules;
import dev.claudemesh.api.RequeueRequest;
import dev.claudemesh.api.Routes;
import java.util.Optional;

/**
 * {@code GET /v1/outbox?status&limit&cursor} and {@code POST /v1/outbox/requeue} (SPEC §3.3,
 * §4.7): the query and body are read with the API's rules; a bad value is a 400 naming it, and
 * nothing reaches the port.
 */
final class OutboxHandlers {
  /** Rows per page when the caller gives no {@code limit}. */
  static final int DEFAULT_LIMIT = 100;

  private OutboxHandlers() {}

  static RouteHandler list(OutboxPort port) {
    return call -> {
      PageQuery query;
      try {
        query = PageQuery.parseOutbox(call.rawQuery());
      } catch (ApiJsonException e) {
        return ApiResponse.problem(e.problem());
      }
      if (query.limit() == null) {
        query = new PageQuery(null, null, null, query.status(), DEFAULT_LIMIT, query.cursor());
      }
      try {
        return ApiResponse.json(200, port.list(query));
      } catch (InboxPort.BadCursorException e) {
        return ApiResponse.problem(Problem.of(ErrorCodes.INVALID_REQUEST,
            "?" + Routes.QUERY_CURSOR + ": " + e.getMessage()));
      }
    };
  }

  static RouteHandler requeue(OutboxPort port) {
    return call -> {
      RequeueRequest request;
      try {
        request = JsonBodies.read(call, RequeueRequest.class);
      } catch (JsonBodies.Refused e) {
        return ApiResponse.problem(e.problem);
      }
      Optional<Problem> invalid = RequestRules.check(request);
      if (invalid.isPresent()) {
        return ApiResponse.problem(invalid.get());
      }
      try {
        return ApiResponse.json(200, port.requeue(request,
            "ipc:" + call.transport().name().toLowerCase(java.util.Locale.ROOT)));
      } catch (OutboxPort.RequeueRefusedException e) {
        return ApiResponse.problem(Problem.of(e.code(), e.getMessage()));
      }
    };
  }
}
