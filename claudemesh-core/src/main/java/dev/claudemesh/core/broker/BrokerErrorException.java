package dev.claudemesh.core.broker;

/** The broker answered a request with an {@code error} frame: a stable code and a message. */
public final class BrokerErrorException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String code;

  public BrokerErrorException(String code, String message) {
    super(code + ": " + message);
    this.code = code;
  }

  /** The broker's stable error code. */
  public String code() {
    return code;
  }
}
