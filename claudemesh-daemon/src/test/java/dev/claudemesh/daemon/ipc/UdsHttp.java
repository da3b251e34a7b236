package dev.claudemesh.daemon.ipc;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A minimal HTTP/1.1 client over a Unix socket, for tests: one request per connection. */
final class UdsHttp {
  private UdsHttp() {}

  record Reply(int status, Map<String, List<String>> headers, String body) {
    @Nullable String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null ? null : values.get(0);
    }
  }

  static Reply get(Path socket, String path, String... headerLines) throws IOException {
    return request(socket, "GET", path, null, headerLines);
  }

  /** Sends one request with {@code Connection: close} and reads the answer to the end. */
  static Reply request(Path socket, String method, String target, @Nullable String body,
      String... headerLines) throws IOException {
    StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\n");
    boolean host = false;
    for (String line : headerLines) {
      host |= line.toLowerCase(Locale.ROOT).startsWith("host:");
      head.append(line).append("\r\n");
    }
    if (!host) {
      head.append("Host: localhost\r\n");
    }
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    if (body != null) {
      head.append("Content-Length: ").append(bytes.length).append("\r\n");
    }
    head.append("Connection: close\r\n\r\n");
    return raw(socket, head.toString().getBytes(StandardCharsets.UTF_8), bytes);
  }

  static Reply raw(Path socket, byte[]... parts) throws IOException {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(socket));
      try {
        for (byte[] part : parts) {
          ByteBuffer buffer = ByteBuffer.wrap(part);
          while (buffer.hasRemaining()) {
            channel.write(buffer);
          }
        }
      } catch (IOException e) {
        // the server may answer and close before the whole body is written (413); read the answer
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteBuffer buffer = ByteBuffer.allocate(8192);
      try {
        while (channel.read(buffer) >= 0) {
          out.write(buffer.array(), 0, buffer.position());
          buffer.clear();
        }
      } catch (IOException e) {
        // connection reset after the answer
      }
      return parse(out.toString(StandardCharsets.UTF_8));
    }
  }

  private static Reply parse(String text) {
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
    if ("chunked".equalsIgnoreCase(headers.getOrDefault("transfer-encoding", List.of("")).get(0))) {
      body = unchunk(body);
    }
    return new Reply(status, headers, body);
  }

  private static String unchunk(String chunked) {
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (true) {
      int eol = chunked.indexOf("\r\n", at);
      int size = Integer.parseInt(chunked.substring(at, eol).trim(), 16);
      if (size == 0) {
        return out.toString();
      }
      out.append(chunked, eol + 2, eol + 2 + size);
      at = eol + 2 + size + 2;
    }
  }
}
