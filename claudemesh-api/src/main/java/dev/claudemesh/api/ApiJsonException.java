package dev.claudemesh.api;

/**
 * A JSON body that cannot be read as the expected type. The message names the member by its JSON
 * path ({@code $.to}, {@code $.topics[2].name}) and says what was wrong; it never repeats a value
 * from the body. {@link #problem()} is the 400 the daemon answers with.
 */
public final class ApiJsonException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String path;

  ApiJsonException(String path, String reason) {
    super(path + ": " + reason);
    this.path = path;
  }

  /** The JSON path of the offending member, {@code $} for the whole body. */
  public String path() {
    return path;
  }

  /** {@code 400 invalid_request} with this message as the detail. */
  public Problem problem() {
    return Problem.of(ErrorCodes.INVALID_REQUEST, getMessage());
  }
}
