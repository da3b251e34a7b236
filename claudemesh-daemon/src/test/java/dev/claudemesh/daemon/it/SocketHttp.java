package dev.claudemesh.daemon.it;

import dev.claudemesh.api.ApiJson;
import dev.claudemesh.api.Problem;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
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
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * HTTP/1.1 over {@code daemon.sock} with raw bytes, one request per connection: well-formed
 * requests ({@link #request}) and anything at all ({@link #exchange}), each bounded in time.
 */
final class SocketHttp {
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final ScheduledExecutorService WATCHDOG =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "socket-http-watchdog");
        t.setDaemon(true);
        return t;
      });

  private SocketHttp() {}

  record Reply(int status, Map<String, List<String>> headers, String body) {
    @Nullable String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null ? null : values.get(0);
    }

    Problem problem() {
      return ApiJson.fromJson(body, Problem.class);
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  static Reply get(Path socket, String target) throws IOException {
    return request(socket, "GET", target, null);
  }

  /** A JSON POST with {@code Content-Length} and the given extra header lines. */
  static Reply postJson(Path socket, String target, String json, String... headerLines)
      throws IOException {
    List<String> lines = new ArrayList<>(List.of(headerLines));
    lines.add("Content-Type: application/json");
    return request(socket, "POST", target, json.getBytes(StandardCharsets.UTF_8),
        lines.toArray(String[]::new));
  }

  /** One request with {@code Host: localhost} and {@code Connection: close}; the answer must come. */
  static Reply request(Path socket, String method, String target, byte @Nullable [] body,
      String... headerLines) throws IOException {
    StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n");
    for (String line : headerLines) {
      head.append(line).append("\r\n");
    }
    if (body != null) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("Connection: close\r\n\r\n");
    byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
    Optional<Reply> reply = exchange(socket, TIMEOUT, headBytes, body == null ? new byte[0] : body);
    return reply.orElseThrow(() -> new IOException(method + " " + target
        + ": the connection closed without an answer"));
  }

  /**
   * Writes {@code parts}, half-closes, and reads to the end; empty when the server closed without
   * a status line.
   *
   * @throws IOException when the socket cannot be reached or nothing came within {@code timeout}
   */
  static Optional<Reply> exchange(Path socket, Duration timeout, byte[]... parts)
      throws IOException {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> closeQuietly(channel),
          timeout.toMillis(), TimeUnit.MILLISECONDS);
      try {
        channel.connect(UnixDomainSocketAddress.of(socket));
        try {
          for (byte[] part : parts) {
            ByteBuffer buffer = ByteBuffer.wrap(part);
            while (buffer.hasRemaining()) {
              channel.write(buffer);
            }
          }
          channel.shutdownOutput();
        } catch (IOException e) {
          if (!channel.isOpen()) {
            throw new IOException("no answer within " + timeout.toMillis() + " ms", e);
          }
          // the server may answer and close before everything is written (413, 431); read on
        }
        byte[] answer = readToEnd(channel);
        if (watchdog.isDone()) {
          throw new IOException("no answer within " + timeout.toMillis() + " ms");
        }
        return parse(answer);
      } finally {
        watchdog.cancel(false);
      }
    }
  }

  /** {@link #exchange} over loopback TCP to {@code port}. */
  static Optional<Reply> exchangeTcp(int port, Duration timeout, byte[]... parts)
      throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
          (int) timeout.toMillis());
      socket.setSoTimeout((int) timeout.toMillis());
      try {
        OutputStream out = socket.getOutputStream();
        for (byte[] part : parts) {
          out.write(part);
        }
        out.flush();
        socket.shutdownOutput();
      } catch (IOException e) {
        // the server may answer and close before everything is written (413, 431); read on
      }
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      try (InputStream in = socket.getInputStream()) {
        in.transferTo(answer);
      } catch (SocketTimeoutException e) {
        throw new IOException("no answer within " + timeout.toMillis() + " ms", e);
      } catch (IOException e) {
        // reset after (or instead of) the answer
      }
      return parse(answer.toByteArray());
    }
  }

  static byte[] readToEnd(SocketChannel channel) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer buffer = ByteBuffer.allocate(8192);
    try {
      while (channel.read(buffer) >= 0) {
        out.write(buffer.array(), 0, buffer.position());
        buffer.clear();
      }
    } catch (IOException e) {
      // reset after (or instead of) the answer
    }
    return out.toByteArray();
  }

  private static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing to interrupt a read
    }
  }

  /** The answer in {@code bytes}; empty when they do not start with an HTTP status line. */
  static Optional<Reply> parse(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    int end = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/1.1 ") || end < 0) {
      return Optional.empty();
    }
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].substring(9, 12));
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
          k -> new ArrayList<>()).add(lines[i].substring(colon + 1).trim());
    }
    String body = text.substring(end + 4);
    List<String> encoding = headers.getOrDefault("transfer-encoding", List.of(""));
    if ("chunked".equalsIgnoreCase(encoding.get(0))) {
      body = unchunk(body);
    }
    return Optional.of(new Reply(status, headers, body));
  }

  private static String unchunk(String chunked) {
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (true) {
      int eol = chunked.indexOf("\r\n", at);
      if (eol < 0) {
        return out.toString();
      }
      int size = Integer.parseInt(chunked.substring(at, eol).trim(), 16);
      if (size == 0) {
        return out.toString();
      }
      out.append(chunked, eol + 2, eol + 2 + size);
      at = eol + 2 + size + 2;
    }
  }
}
