package dev.claudemesh.client;

import dev.claudemesh.api.Problem;
import java.io.IOException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The daemon answered with an error: an {@code application/problem+json} body (RFC 9457, SPEC
 * §3.3). Carries the HTTP status, the stable {@code error} code and the whole {@link Problem}.
 * Subclasses name the failures a caller is likely to handle; every other code arrives as this
 * type, so {@link #errorCode()} is the thing to switch on. An answer that is not problem JSON (a
 * proxy's HTML page, say) is reported with the code {@code http_<status>}.
 */
public class ClaudemeshException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Problem problem;
  private final String route;

  ClaudemeshException(String route, Problem problem) {
    super(message(route, problem));
    this.route = route;
    this.problem = problem;
  }

  private static String message(String route, Problem problem) {
    return route + ": " + problem.status() + " " + problem.error()
        + (problem.detail() != null ? ": " + problem.detail() : "");
  }

  /** The HTTP status of the answer. */
  public int status() {
    return problem.status();
  }

  /** The stable code, one of {@code dev.claudemesh.api.ErrorCodes}, or {@code http_<status>}. */
  public String errorCode() {
    return problem.error();
  }

  /** The human explanation, when the daemon gave one. */
  public @Nullable String detail() {
    return problem.detail();
  }

  /** The whole problem body. */
  public Problem problem() {
    return problem;
  }

  /** The request that failed, as {@code METHOD /path}. */
  public String route() {
    return route;
  }

  /** How long the daemon asked the caller to wait ({@code Retry-After} or {@code retry_after}). */
  public @Nullable Duration retryAfter() {
    Long seconds = problem.retryAfter();
    return seconds == null ? null : Duration.ofSeconds(seconds);
  }
}
