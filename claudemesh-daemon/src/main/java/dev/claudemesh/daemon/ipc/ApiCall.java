package dev.claudemesh.daemon.ipc;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One request as the guard and the handlers see it, free of the HTTP library: transport, method,
 * path (without the query), raw query, headers, and the body once the guard has read it within
 * the limit. {@code toString()} never shows headers or the query, which may hold a token.
 */
final class ApiCall {
  private final Transport transport;
  private final String method;
  private final String path;
  private final @Nullable String rawQuery;
  private final Map<String, List<String>> headers;
  private final byte[] body;

  /** {@code headers} keys must be lower case. */
  ApiCall(Transport transport, String method, String path, @Nullable String rawQuery,
      Map<String, List<String>> headers, byte[] body) {
    this.transport = Objects.requireNonNull(transport, "transport == null");
    this.method = Objects.requireNonNull(method, "method == null");
    this.path = Objects.requireNonNull(path, "path == null");
    this.rawQuery = rawQuery;
    this.headers = Map.copyOf(headers);
    this.body = body;
  }

  Transport transport() {
    return transport;
  }

  String method() {
    return method;
  }

  String path() {
    return path;
  }

  @Nullable String rawQuery() {
    return rawQuery;
  }

  /** Every value of header {@code name} (case-insensitive), in order. */
  List<String> headers(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null ? List.of() : values;
  }

  /** The first value of header {@code name}, or null. */
  @Nullable String header(String name) {
    List<String> values = headers(name);
    return values.isEmpty() ? null : values.get(0);
  }

  byte[] body() {
    return body;
  }

  ApiCall withBody(byte[] newBody) {
    return new ApiCall(transport, method, path, rawQuery, headers, newBody);
  }

  @Override
  public String toString() {
    return method + " " + path + " over " + transport;
  }
}
