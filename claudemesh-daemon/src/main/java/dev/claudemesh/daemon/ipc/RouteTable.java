package dev.claudemesh.daemon.ipc;

import dev.claudemesh.api.ErrorCodes;
import dev.claudemesh.api.Problem;
import dev.claudemesh.api.Routes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one versioned route table (method + path → handler) and its one matcher. Every route of
 * {@link Routes.Endpoint} is present: those given no handler answer 501 {@code not_implemented}
 * naming the route. Registering a method and path twice fails when the table is built, so at start.
 */
final class RouteTable {

  private final Map<String, Map<String, RouteHandler>> byPath;

  private RouteTable(Map<String, Map<String, RouteHandler>> byPath) {
    this.byPath = byPath;
  }

  /** Collects routes; {@link #build()} fails on a duplicate. */
  static final class Builder {
    private final List<Object[]> entries = new ArrayList<>();

    Builder route(String method, String path, RouteHandler handler) {
      Objects.requireNonNull(method, "method == null");
      Objects.requireNonNull(path, "path == null");
      Objects.requireNonNull(handler, "handler == null");
      if (!path.startsWith("/" + Routes.API_VERSION + "/")) {
        throw new IllegalArgumentException("route " + method + " " + path + " is not under /"
            + Routes.API_VERSION + "/");
      }
      entries.add(new Object[] {method, path, handler});
      return this;
    }

    Builder route(Routes.Endpoint endpoint, RouteHandler handler) {
      return route(endpoint.method(), endpoint.path(), handler);
    }

    /** A builder holding the routes given so far, for one server to add its own to. */
    Builder copy() {
      Builder copy = new Builder();
      copy.entries.addAll(entries);
      return copy;
    }

    /**
     * The table: the given routes, then every endpoint not given as 501.
     *
     * @throws IllegalStateException when a method and path were given twice
     */
    RouteTable build() {
      Map<String, Map<String, RouteHandler>> table = new LinkedHashMap<>();
      for (Object[] e : entries) {
        String method = (String) e[0];
        String path = (String) e[1];
        Map<String, RouteHandler> methods = table.computeIfAbsent(path, p -> new LinkedHashMap<>());
        if (methods.putIfAbsent(method, (RouteHandler) e[2]) != null) {
          throw new IllegalStateException("duplicate route " + method + " " + path);
        }
      }
      for (Routes.Endpoint endpoint : Routes.Endpoint.values()) {
        String method = endpoint.method();
        String path = endpoint.path();
        table.computeIfAbsent(path, p -> new LinkedHashMap<>())
            .putIfAbsent(method, call -> ApiResponse.notImplemented(method, path));
      }
      Map<String, Map<String, RouteHandler>> sealed = new LinkedHashMap<>();
      table.forEach((path, methods) -> sealed.put(path, Collections.unmodifiableMap(methods)));
      return new RouteTable(Collections.unmodifiableMap(sealed));
    }
  }

  /** The handler for {@code method} and {@code path}; a 404 or 405 answer otherwise. */
  RouteHandler match(String method, String path) {
    Map<String, RouteHandler> methods = byPath.get(path);
    if (methods == null) {
      return call -> ApiResponse.problem(Problem.of(ErrorCodes.NOT_FOUND, "no route " + path));
    }
    RouteHandler handler = methods.get(method);
    if (handler == null) {
      String allow = String.join(", ", methods.keySet());
      return call -> ApiResponse.problem(Problem.of(ErrorCodes.METHOD_NOT_ALLOWED,
          path + " answers " + allow)).withHeader("Allow", allow);
    }
    return handler;
  }

  /** Whether {@code path} is a route of the table (whatever its method). */
  boolean hasPath(String path) {
    return byPath.containsKey(path);
  }

  @Override
  public String toString() {
    return "RouteTable" + byPath.keySet();
  }
}
