package dev.claudemesh.daemon.ipc;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * An event stream client over the Unix socket, for tests: sends {@code GET /v1/events}, reads the
 * status and headers, then a thread reads the chunked body and splits it into blocks (frames and
 * comments, separated by a blank line) that {@link #next} hands out.
 */
final class SseClient implements AutoCloseable {
  /** The block a closed stream ends with. */
  static final String END = "<end of stream>";

  /** One block of the stream: its fields, or the comment it is. */
  record Block(@Nullable Long id, @Nullable String event, @Nullable String data,
      @Nullable String comment) {
    static Block parse(String text) {
      Long id = null;
      String event = null;
      String data = null;
      String comment = null;
      for (String line : text.split("\n")) {
        if (line.startsWith(":")) {
          comment = line.substring(1).trim();
        } else if (line.startsWith("id: ")) {
          id = Long.parseLong(line.substring(4));
        } else if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ")) {
          if (data != null) {
            throw new IllegalStateException("two data lines in one frame: " + text);
          }
          data = line.substring(6);
        } else {
          throw new IllegalStateException("unexpected line " + line);
        }
      }
      return new Block(id, event, data, comment);
    }
  }

  private final SocketChannel channel;
  private final int status;
  private final Map<String, String> headers;
  private final BlockingQueue<String> blocks = new LinkedBlockingQueue<>();
  private final String head;
  private final @Nullable Thread reader;

  private SseClient(SocketChannel channel, int status, Map<String, String> headers, String head,
      @Nullable InputStream body) {
    this.channel = channel;
    this.status = status;
    this.headers = headers;
    this.head = head;
    if (body != null) {
      reader = new Thread(() -> read(body), "sse-test-reader");
      reader.setDaemon(true);
      reader.start();
    } else {
      reader = null;
    }
  }

  /** Opens a stream; {@code headerLines} are extra request headers. */
  static SseClient open(Path socket, String target, String... headerLines) throws IOException {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    channel.connect(UnixDomainSocketAddress.of(socket));
    StringBuilder request = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n");
    for (String line : headerLines) {
      request.append(line).append("\r\n");
    }
    request.append("\r\n");
    ByteBuffer out = ByteBuffer.wrap(request.toString().getBytes(StandardCharsets.UTF_8));
    while (out.hasRemaining()) {
      channel.write(out);
    }
    InputStream in = Channels.newInputStream(channel);
    String head = readHead(in);
    String[] lines = head.split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).trim());
    }
    boolean chunked = "chunked".equalsIgnoreCase(headers.get("transfer-encoding"));
    return new SseClient(channel, status, headers, head,
        status == 200 && chunked ? in : null);
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("the stream closed before the headers ended: " + head);
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.UTF_8);
  }

  private void read(InputStream in) {
    StringBuilder text = new StringBuilder();
    try {
      while (true) {
        String sizeLine = line(in);
        if (sizeLine.isEmpty()) {
          // the CRLF that ends a chunk: Jetty sends it with the next chunk's size line
          sizeLine = line(in);
        }
        int size = Integer.parseInt(sizeLine.trim(), 16);
        if (size == 0) {
          break;
        }
        byte[] chunk = in.readNBytes(size);
        if (chunk.length < size) {
          break;
        }
        text.append(new String(chunk, StandardCharsets.UTF_8));
        int blank;
        while ((blank = text.indexOf("\n\n")) >= 0) {
          blocks.add(text.substring(0, blank));
          text.delete(0, blank + 2);
        }
      }
    } catch (IOException | RuntimeException e) {
      // closed by the test or the server
    }
    blocks.add(END);
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("end of stream inside a chunk header");
      }
      if (c == '\n') {
        return b.toString();
      }
      if (c != '\r') {
        b.append((char) c);
      }
    }
  }

  int status() {
    return status;
  }

  @Nullable String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  String head() {
    return head;
  }

  /** The next block, or null when none comes within {@code timeout}. */
  @Nullable String nextRaw(Duration timeout) throws InterruptedException {
    return blocks.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The next block that is not a comment, failing when none comes within five seconds. */
  Block nextFrame() throws InterruptedException {
    while (true) {
      String raw = nextRaw(Duration.ofSeconds(5));
      if (raw == null) {
        throw new AssertionError("no frame within 5 s");
      }
      if (raw.equals(END)) {
        throw new AssertionError("the stream ended");
      }
      Block block = Block.parse(raw);
      if (block.comment() == null) {
        return block;
      }
    }
  }

  /** Whether the server ends the stream within {@code timeout}. */
  boolean endsWithin(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      String raw = nextRaw(Duration.ofMillis(50));
      if (END.equals(raw)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
