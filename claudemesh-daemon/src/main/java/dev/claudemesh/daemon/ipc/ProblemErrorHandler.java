package dev.claudemesh.daemon.ipc;

import dev.claudemesh.api.ErrorCodes;
import dev.claudemesh.api.Problem;
import dev.claudemesh.api.Routes;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers (a request its parser refuses before the guard sees it, a failure
 * outside the handler) as problem JSON with the same hardening headers. The detail is fixed text:
 * Jetty's reason could quote the request, and the request may hold a token.
 */
final class ProblemErrorHandler extends ErrorHandler {
  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    Object status = request.getAttribute(ERROR_STATUS);
    int code = status instanceof Integer ? (Integer) status : response.getStatus();
    JettyAdapter.write(response, ApiResponse.problem(problem(code)), callback);
    return true;
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    ApiResponse answer = ApiResponse.problem(problem(status));
    fields.put(HttpHeader.CONTENT_TYPE, Routes.MEDIA_PROBLEM_JSON);
    fields.put("X-Content-Type-Options", "nosniff");
    fields.put(HttpHeader.CACHE_CONTROL, "no-store");
    return ByteBuffer.wrap(answer.body());
  }

  private static Problem problem(int status) {
    if (status == HttpStatus.HTTP_VERSION_NOT_SUPPORTED_505) {
      // the parser's 505 is the client's malformed request line, not a failure of the daemon
      return new Problem(ErrorCodes.title(400), 400,
          "unsupported HTTP version; the daemon speaks HTTP/1.1", ErrorCodes.INVALID_REQUEST,
          null, null, null, null, null);
    }
    int code = status >= 400 && status <= 599 ? status : 500;
    String error = code < 500 ? ErrorCodes.INVALID_REQUEST : ErrorCodes.INTERNAL_ERROR;
    return new Problem(ErrorCodes.title(code), code,
        code < 500 ? "malformed HTTP request" : "the request failed; see the daemon log", error,
        null, null, null, null, null);
  }
}
