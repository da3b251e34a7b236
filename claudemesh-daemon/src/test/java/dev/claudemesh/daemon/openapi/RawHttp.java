package dev.claudemesh.daemon.openapi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * HTTP/1.1 written by hand over the daemon's socket or its loopback TCP port, so that every header
 * (a foreign {@code Host}, a missing token, a declared length) goes out exactly as the test says.
 */
final class RawHttp {
  private RawHttp() {}

  /** Where to connect: the Unix socket, or 127.0.0.1 and a port. */
  record Target(@Nullable Path socket, int port) {
    static Target uds(Path socket) {
      return new Target(socket, 0);
    }

    static Target tcp(int port) {
      return new Target(null, port);
    }

    boolean isTcp() {
      return socket == null;
    }

    SocketChannel connect() throws IOException {
      if (socket != null) {
        SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
        c.connect(UnixDomainSocketAddress.of(socket));
        return c;
      }
      return SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
    }

    @Override
    public String toString() {
      return socket != null ? "uds" : "tcp";
    }
  }

  record Reply(int status, Map<String, List<String>> headers, String body) {
    @Nullable String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null ? null : values.get(0);
    }

    @Override
    public String toString() {
      return status + " " + headers + " " + body;
    }
  }

  /** The request head; {@code Host: localhost} and {@code Connection: close} unless given. */
  static byte[] head(String method, String target, int bodyLength, boolean withBody,
      List<String> headerLines) {
    StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\n");
    boolean host = false;
    for (String line : headerLines) {
      host |= line.toLowerCase(Locale.ROOT).startsWith("host:");
      head.append(line).append("\r\n");
    }
    if (!host) {
      head.append("Host: localhost\r\n");
    }
    if (withBody) {
      head.append("Content-Length: ").append(bodyLength).append("\r\n");
    }
    head.append("Connection: close\r\n\r\n");
    return head.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** One request on its own connection, read to the end. */
  static Reply exchange(Target to, String method, String target, @Nullable String body,
      List<String> headerLines) throws IOException {
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    try (SocketChannel channel = to.connect()) {
      try {
        write(channel, head(method, target, bytes.length, body != null, headerLines));
        write(channel, bytes);
      } catch (IOException e) {
        // the daemon may answer and close before the whole body is written (413)
      }
      return parse(readToEnd(channel));
    }
  }

  static void write(SocketChannel channel, byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  static String readToEnd(SocketChannel channel) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer buffer = ByteBuffer.allocate(8192);
    try {
      while (channel.read(buffer) >= 0) {
        out.write(buffer.array(), 0, buffer.position());
        buffer.clear();
      }
    } catch (IOException e) {
      // reset after the answer
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  static Reply parse(String text) {
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new IllegalStateException("no HTTP answer: " + text);
    }
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
          k -> new ArrayList<>()).add(lines[i].substring(colon + 1).trim());
    }
    String body = text.substring(end + 4);
    List<String> te = headers.get("transfer-encoding");
    if (te != null && te.get(0).equalsIgnoreCase("chunked")) {
      body = unchunk(body);
    }
    return new Reply(status, headers, body);
  }

  /** Chunks up to the last complete one (an open event stream has no final chunk yet). */
  private static String unchunk(String chunked) {
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (true) {
      int eol = chunked.indexOf("\r\n", at);
      if (eol < 0) {
        return out.toString();
      }
      int size = Integer.parseInt(chunked.substring(at, eol).trim(), 16);
      if (size == 0 || eol + 2 + size > chunked.length()) {
        return out.toString();
      }
      out.append(chunked, eol + 2, eol + 2 + size);
      at = eol + 2 + size + 2;
    }
  }

  /** An open event stream, read by a thread of its own until closed. */
  static final class EventStream implements AutoCloseable {
    private final SocketChannel channel;
    private final StringBuffer received = new StringBuffer();
    private final Thread reader;

    EventStream(Target to, List<String> headerLines) throws IOException {
      channel = to.connect();
      write(channel, head("GET", "/v1/events", 0, false, headerLines));
      reader = new Thread(() -> {
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        try {
          while (channel.read(buffer) >= 0) {
            received.append(new String(buffer.array(), 0, buffer.position(),
                StandardCharsets.UTF_8));
            buffer.clear();
          }
        } catch (IOException e) {
          // closed by the test
        }
      }, "openapi-sse-reader");
      reader.setDaemon(true);
      reader.start();
    }

    /** The answer so far, once {@code done} holds for it, or what arrived by the timeout. */
    Reply await(Predicate<Reply> done, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      Reply last = null;
      while (System.nanoTime() < deadline) {
        String text = received.toString();
        if (text.contains("\r\n\r\n")) {
          last = parse(text);
          if (done.test(last)) {
            return last;
          }
        }
        Thread.sleep(20);
      }
      if (last == null) {
        throw new AssertionError("no answer on the event stream within " + timeout);
      }
      return last;
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
