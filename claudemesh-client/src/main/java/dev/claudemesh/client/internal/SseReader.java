package dev.claudemesh.client.internal;

import java.io.IOException;
import okio.BufferedSource;
import org.jspecify.annotations.Nullable;

/**
 * Reads Server-Sent Events frames ({@code text/event-stream}, WHATWG HTML §9.2) from a source:
 * {@code id}, {@code event} and {@code data} fields, comments and unknown fields skipped, several
 * {@code data} lines joined with a line feed, a frame dispatched at its blank line.
 */
public final class SseReader {
  /** One dispatched frame. {@code id} is null when the frame carried none. */
  public record Frame(@Nullable String id, String event, String data) {}

  private final BufferedSource source;

  public SseReader(BufferedSource source) {
    this.source = source;
  }

  /**
   * The next frame with data, or null at the end of the stream (a frame cut off by the end is
   * dropped, as the standard says).
   */
  public @Nullable Frame next() throws IOException {
    String id = null;
    String event = null;
    StringBuilder data = null;
    while (true) {
      String line = source.readUtf8Line();
      if (line == null) {
        return null;
      }
      if (line.isEmpty()) {
        if (data != null) {
          return new Frame(id, event == null ? "message" : event, data.toString());
        }
        id = null;
        event = null;
        continue;
      }
      if (line.charAt(0) == ':') {
        continue; // comment: keepalive, stream open
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      switch (field) {
        case "id":
          if (value.indexOf('\0') < 0) {
            id = value;
          }
          break;
        case "event":
          event = value;
          break;
        case "data":
          if (data == null) {
            data = new StringBuilder(value);
          } else {
            data.append('\n').append(value);
          }
          break;
        default:
          break; // "retry" and unknown fields
      }
    }
  }
}
