package dev.claudemesh.core;

/**
 * A peer operation refused for a reason the caller can act on, with the stable error code and the
 * HTTP status the daemon answers with (SPEC §3.3): {@code invalid_request} 400, {@code
 * payload_too_large} 413, {@code destination_unresolvable} 422, {@code broker_unavailable} 503,
 * {@code broker_error} 502 (the broker answered with an error code, in the message).
 */
public final class PeerException extends Exception {
  private static final long serialVersionUID = 1L;

  public static final String INVALID_REQUEST = "invalid_request";
  public static final String PAYLOAD_TOO_LARGE = "payload_too_large";
  public static final String DESTINATION_UNRESOLVABLE = "destination_unresolvable";
  public static final String BROKER_UNAVAILABLE = "broker_unavailable";
  public static final String BROKER_ERROR = "broker_error";

  private final String code;
  private final int httpStatus;

  PeerException(String code, int httpStatus, String message) {
    super(message);
    this.code = code;
    this.httpStatus = httpStatus;
  }

  PeerException(String code, int httpStatus, String message, Throwable cause) {
    this(code, httpStatus, message);
    initCause(cause);
  }

  static PeerException invalid(String message) {
    return new PeerException(INVALID_REQUEST, 400, message);
  }

  /** The stable error code. */
  public String code() {
    return code;
  }

  public int httpStatus() {
    return httpStatus;
  }
}
