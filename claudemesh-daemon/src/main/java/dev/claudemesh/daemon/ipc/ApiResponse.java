package dev.claudemesh.daemon.ipc;

import dev.claudemesh.api.ApiJson;
import dev.claudemesh.api.Problem;
import dev.claudemesh.api.Routes;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One answer: status, media type, body and any extra headers. The headers every answer carries
 * ({@code nosniff}, {@code no-store}) are added where the answer is written, in one place. A
 * streaming answer ({@link #stream(String, ResponseStream)}) has no body: once the status and
 * headers are sent, the {@link ResponseStream} writes until it ends.
 */
record ApiResponse(int status, String contentType, byte[] body, Map<String, String> headers,
    @Nullable ResponseStream stream) {

  /** The error code of routes that exist in the table but are not built yet. */
  static final String NOT_IMPLEMENTED = "not_implemented";

  ApiResponse {
    headers = Map.copyOf(headers);
  }

  ApiResponse(int status, String contentType, byte[] body, Map<String, String> headers) {
    this(status, contentType, body, headers, null);
  }

  static ApiResponse json(int status, Object value) {
    return new ApiResponse(status, Routes.MEDIA_JSON,
        ApiJson.toJson(value).getBytes(StandardCharsets.UTF_8), Map.of());
  }

  /** A 200 whose body {@code stream} writes, of unknown length, after the headers. */
  static ApiResponse stream(String contentType, ResponseStream stream) {
    return new ApiResponse(200, contentType, new byte[0], Map.of(), stream);
  }

  /** An {@code application/problem+json} answer; a {@code retry_after} also goes out as {@code Retry-After}. */
  static ApiResponse problem(Problem problem) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (problem.retryAfter() != null) {
      headers.put(Routes.HEADER_RETRY_AFTER, Long.toString(problem.retryAfter()));
    }
    return new ApiResponse(problem.status(), Routes.MEDIA_PROBLEM_JSON,
        ApiJson.toJson(problem).getBytes(StandardCharsets.UTF_8), headers);
  }

  /** 501 for a route of the table that has no handler yet, naming it. */
  static ApiResponse notImplemented(String method, String path) {
    return problem(new Problem("Not Implemented", 501,
        method + " " + path + " is not implemented by this daemon yet", NOT_IMPLEMENTED,
        null, null, null, null, null));
  }

  ApiResponse withHeader(String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.put(name, value);
    return new ApiResponse(status, contentType, body, copy, stream);
  }

  @Override
  public String toString() {
    return "ApiResponse{" + status + " " + contentType + ", "
        + (stream != null ? "streaming" : body.length + " bytes") + "}";
  }
}
