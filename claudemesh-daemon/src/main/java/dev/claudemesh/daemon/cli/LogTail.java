package dev.claudemesh.daemon.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * {@code tail} and {@code tail -F} of one log file by polling: the last lines, then new lines as
 * they are written. A rotation (the file shrank, or another file now has its name) reopens it
 * from its start. Not thread-safe; one instance per command.
 */
final class LogTail {
  private static final int BLOCK = 8192;

  private final Path file;
  private final PrintWriter out;
  private long position;
  private @Nullable Object fileKey;
  private final java.io.ByteArrayOutputStream partial = new java.io.ByteArrayOutputStream();

  LogTail(Path file, PrintWriter out) {
    this.file = Objects.requireNonNull(file, "file == null");
    this.out = Objects.requireNonNull(out, "out == null");
  }

  /** Prints the last {@code lines} lines and remembers where the file ended. */
  void printLast(int lines) throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long end = raf.length();
      long start = end;
      int newlines = 0;
      byte[] block = new byte[BLOCK];
      // a final newline ends the last line; it does not start an empty one
      long scanFrom = end;
      if (end > 0) {
        raf.seek(end - 1);
        if (raf.read() == '\n') {
          scanFrom = end - 1;
        }
      }
      start = scanFrom;
      search:
      while (start > 0) {
        int n = (int) Math.min(BLOCK, start);
        raf.seek(start - n);
        raf.readFully(block, 0, n);
        for (int i = n - 1; i >= 0; i--) {
          if (block[i] == '\n') {
            newlines++;
            if (newlines == lines) {
              start = start - n + i + 1;
              break search;
            }
          }
        }
        start -= n;
      }
      if (lines == 0) {
        start = end;
      }
      byte[] text = new byte[(int) (end - start)];
      raf.seek(start);
      raf.readFully(text);
      out.print(new String(text, StandardCharsets.UTF_8));
      out.flush();
      position = end;
      fileKey = key();
    }
  }

  /** Prints new lines every {@code interval} until {@code stop} says so (or interruption). */
  void follow(Duration interval, BooleanSupplier stop) throws IOException {
    while (!stop.getAsBoolean()) {
      poll();
      try {
        Thread.sleep(interval.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    poll();
  }

  /** One look at the file: prints whatever complete lines were added since the last look. */
  void poll() throws IOException {
    Object key = key();
    if (key == null) {
      return; // rotated away and not recreated yet
    }
    long size;
    try {
      size = Files.size(file);
    } catch (NoSuchFileException e) {
      return;
    }
    if (!key.equals(fileKey) || size < position) {
      position = 0;
      partial.reset();
      fileKey = key;
    }
    if (size == position) {
      return;
    }
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      raf.seek(position);
      byte[] chunk = new byte[(int) Math.min(size - position, 1 << 20)];
      raf.readFully(chunk);
      position += chunk.length;
      partial.write(chunk);
    }
    // only complete lines, decoded whole: a UTF-8 character is never split across polls
    byte[] pending = partial.toByteArray();
    int lastNewline = -1;
    for (int i = pending.length - 1; i >= 0; i--) {
      if (pending[i] == '\n') {
        lastNewline = i;
        break;
      }
    }
    if (lastNewline >= 0) {
      out.print(new String(pending, 0, lastNewline + 1, StandardCharsets.UTF_8));
      out.flush();
      partial.reset();
      partial.write(pending, lastNewline + 1, pending.length - lastNewline - 1);
    }
  }

  private @Nullable Object key() throws IOException {
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      Object key = attributes.fileKey();
      return key != null ? key : attributes.creationTime();
    } catch (NoSuchFileException e) {
      return null;
    }
  }
}
