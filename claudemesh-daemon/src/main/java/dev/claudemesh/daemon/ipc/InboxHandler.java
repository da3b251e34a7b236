package dev.claudemesh.daemon.ipc;

import dev.claudemesh.api.ApiJsonException;
import dev.claudemesh.api.ErrorCodes;
import dev.claudemesh.api.PageQuery;
import dev.claudemesh.api.Problem;
import dev.claudemesh.api.RequestRules;
import dev.claudemesh.api.Routes;
import java.io.IOException;

/**
 * {@code GET /v1/inbox?since&topic&from&limit&cursor} (SPEC §3.3): the query is read with the API's
 * rules; a bad value is a 400 naming the parameter, and nothing reaches the port.
 */
final class InboxHandler implements RouteHandler {
  private final InboxPort port;

  InboxHandler(InboxPort port) {
    this.port = port;
  }

  @Override
  public ApiResponse handle(ApiCall call) throws IOException {
    PageQuery query;
    try {
      query = PageQuery.parseInbox(call.rawQuery());
    } catch (ApiJsonException e) {
      return ApiResponse.problem(e.problem());
    }
    if (query.from() != null && !RequestRules.isPubkey(query.from())) {
      return ApiResponse.problem(Problem.of(ErrorCodes.INVALID_REQUEST,
          "?" + Routes.QUERY_FROM + ": must be a 64-hex member pubkey"));
    }
    if (query.topic() != null) {
      var bad = RequestRules.name(query.topic(), "?" + Routes.QUERY_TOPIC + ":");
      if (bad.isPresent()) {
        return ApiResponse.problem(bad.get());
      }
    }
    try {
      return ApiResponse.json(200, port.inbox(query));
    } catch (InboxPort.BadCursorException e) {
      return ApiResponse.problem(Problem.of(ErrorCodes.INVALID_REQUEST,
          "?" + Routes.QUERY_CURSOR + ": " + e.getMessage()));
    }
  }
}
