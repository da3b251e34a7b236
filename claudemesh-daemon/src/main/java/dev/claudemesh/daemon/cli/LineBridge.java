package dev.claudemesh.daemon.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Bytes written to a stream, printed on a command's {@link PrintWriter} as UTF-8 text: whole lines
 * at each flush (a character is never split), the rest at close. Closing leaves the writer open.
 */
final class LineBridge extends OutputStream {
  private final PrintWriter out;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

  LineBridge(PrintWriter out) {
    this.out = Objects.requireNonNull(out, "out == null");
  }

  @Override
  public void write(int b) {
    pending.write(b);
  }

  @Override
  public void write(byte[] b, int off, int len) {
    pending.write(b, off, len);
  }

  @Override
  public void flush() {
    byte[] bytes = pending.toByteArray();
    int end = bytes.length;
    while (end > 0 && bytes[end - 1] != '\n') {
      end--;
    }
    if (end > 0) {
      out.print(new String(bytes, 0, end, StandardCharsets.UTF_8));
      out.flush();
      pending.reset();
      pending.write(bytes, end, bytes.length - end);
    }
  }

  @Override
  public void close() {
    flush();
    if (pending.size() > 0) {
      out.print(pending.toString(StandardCharsets.UTF_8));
      pending.reset();
    }
    out.flush();
  }
}
