package dev.claudemesh.core.jcs;

/**
 * A document or value that RFC 8785 cannot canonicalize: malformed JSON, invalid UTF-8, a duplicate
 * property name, a lone surrogate, a number that is not a finite double, or an unsupported value.
 *
 * <p>The message names the problem and where it is: a character offset (with line and column) in
 * parsed text, a byte offset for invalid UTF-8, or a path such as {@code $.meta.tags[2]} in an
 * in-memory value. It never contains the document itself beyond a few characters of context.
 */
public final class JcsException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String problem;
  private final long offset;
  private final String location;

  JcsException(String problem) {
    this(problem, -1, "");
  }

  private JcsException(String problem, long offset, String location) {
    super(location.isEmpty() ? problem : problem + " " + location);
    this.problem = problem;
    this.offset = offset;
    this.location = location;
  }

  /** A problem at character {@code offset} of {@code text}; line and column are derived. */
  static JcsException atChar(String problem, CharSequence text, int offset) {
    int line = 1;
    int lineStart = 0;
    int limit = Math.min(offset, text.length());
    for (int i = 0; i < limit; i++) {
      if (text.charAt(i) == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    return new JcsException(
        problem,
        offset,
        "at offset " + offset + " (line " + line + ", column " + (offset - lineStart + 1) + ")");
  }

  /** A problem at byte {@code offset} of a UTF-8 input. */
  static JcsException atByte(String problem, long offset) {
    return new JcsException(problem, offset, "at byte offset " + offset);
  }

  /** A problem at a path inside an in-memory value tree, e.g. {@code $.a[3]}. */
  static JcsException atPath(String problem, String path) {
    return new JcsException(problem, -1, "at " + path);
  }

  /** What is wrong, without the location. */
  public String problem() {
    return problem;
  }

  /**
   * Where it is wrong: the character offset in parsed text, the byte offset for invalid UTF-8, or
   * -1 for in-memory values.
   */
  public long offset() {
    return offset;
  }
}
