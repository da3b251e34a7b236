package dev.claudemesh.core.protocol;

/**
 * A text frame that is not valid JSON, has an unknown {@code type}, or breaks the schema of its
 * type. The message names the frame type and the field, never field contents, so it is safe to
 * log; a frame type read from the wire is cut to {@value #MAX_TYPE_CHARS} characters and anything
 * but printable ASCII in it is replaced by {@code ?}.
 */
public final class InvalidFrameException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Longest frame type kept in {@link #frameType()} and the message, before the {@code ...}. */
  static final int MAX_TYPE_CHARS = 128;

  private final String frameType;

  InvalidFrameException(String frameType, String problem) {
    super(frameType.isEmpty() ? problem : loggable(frameType) + ": " + problem);
    this.frameType = loggable(frameType);
  }

  InvalidFrameException(String frameType, String problem, Throwable cause) {
    this(frameType, problem);
    initCause(cause);
  }

  /**
   * The frame's {@code type} if it could be read, else the empty string; at most {@value
   * #MAX_TYPE_CHARS} printable ASCII characters plus {@code ...}.
   */
  public String frameType() {
    return frameType;
  }

  /** A type name from the wire made safe for a log line: bounded, printable ASCII only. */
  static String loggable(String frameType) {
    int keep = Math.min(frameType.length(), MAX_TYPE_CHARS);
    StringBuilder out = new StringBuilder(keep + 3);
    for (int i = 0; i < keep; i++) {
      char c = frameType.charAt(i);
      out.append(c >= 0x20 && c <= 0x7e ? c : '?');
    }
    if (frameType.length() > MAX_TYPE_CHARS) {
      out.append("...");
    }
    return out.toString();
  }
}
