package dev.claudemesh.core.protocol;

/**
 * A text frame that is not valid JSON, has an unknown {@code type}, or breaks the schema of its
 * type. The message names the frame type and the field, never field contents, so it is safe to
 * log.
 */
public final class InvalidFrameException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String frameType;

  InvalidFrameException(String frameType, String problem) {
    super(frameType.isEmpty() ? problem : frameType + ": " + problem);
    this.frameType = frameType;
  }

  InvalidFrameException(String frameType, String problem, Throwable cause) {
    this(frameType, problem);
    initCause(cause);
  }

  /** The frame's {@code type} if it could be read, else the empty string. */
  public String frameType() {
    return frameType;
  }
}
