package dev.claudemesh.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The socket adapter against a real Unix socket: streams, read timeouts, keep-alive in OkHttp. */
class UnixDomainSocketTest {
  @TempDir Path tmp;

  @Test
  void aMissingSocketIsAConnectExceptionNamingThePath() throws Exception {
    Path path = tmp.resolve("none.sock");
    Socket s = new UnixDomainSocketFactory(path).createSocket();
    ConnectException e = assertThrows(ConnectException.class, () -> s.connect(null, 1000));
    assertTrue(e.getMessage().startsWith("cannot connect to " + path), e.getMessage());
  }

  @Test
  void readsHonourSoTimeoutAndCloseWakesAReader() throws Exception {
    Path path = tmp.resolve("t.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(path));
      Socket s = new UnixDomainSocketFactory(path).createSocket("localhost", 80);
      try (SocketChannel peer = server.accept()) {
        s.setSoTimeout(100);
        InputStream in = s.getInputStream();
        long started = System.nanoTime();
        assertThrows(SocketTimeoutException.class, in::read);
        assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(90));
        peer.write(ByteBuffer.wrap("hi".getBytes(StandardCharsets.US_ASCII)));
        assertEquals('h', in.read());
        s.getOutputStream().write("yo".getBytes(StandardCharsets.US_ASCII));
        ByteBuffer got = ByteBuffer.allocate(2);
        while (got.hasRemaining()) {
          peer.read(got);
        }
        assertEquals("yo", new String(got.array(), StandardCharsets.US_ASCII));
        s.setSoTimeout(0);
        Thread closer = new Thread(() -> {
          try {
            Thread.sleep(100);
            s.close();
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
        closer.start();
        assertEquals('i', in.read());
        assertThrows(IOException.class, in::read, "close wakes a blocked reader");
        closer.join();
        assertTrue(s.isClosed());
        assertTrue(s.isConnected());
      }
    }
  }

  @Test
  void okHttpKeepsTheConnectionAlive() throws Exception {
    Path path = tmp.resolve("http.sock");
    AtomicInteger accepted = new AtomicInteger();
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(path));
      Thread t = new Thread(() -> serve(server, accepted));
      t.setDaemon(true);
      t.start();
      OkHttpClient http = new OkHttpClient.Builder()
          .socketFactory(new UnixDomainSocketFactory(path)).retryOnConnectionFailure(false)
          .build();
      for (int i = 0; i < 3; i++) {
        try (Response r = http.newCall(new Request.Builder().url("http://localhost/v1/x")
            .build()).execute()) {
          assertEquals("ok", r.body().string());
        }
      }
      assertEquals(1, accepted.get(), "three requests, one connection");
      http.connectionPool().evictAll();
    }
  }

  /** A minimal HTTP/1.1 server: answers every GET on a connection with "ok". */
  private static void serve(ServerSocketChannel server, AtomicInteger accepted) {
    try {
      while (true) {
        try (SocketChannel c = server.accept()) {
          accepted.incrementAndGet();
          ByteBuffer buf = ByteBuffer.allocate(8192);
          StringBuilder pending = new StringBuilder();
          while (c.read(buf) >= 0) {
            buf.flip();
            pending.append(StandardCharsets.US_ASCII.decode(buf));
            buf.clear();
            int end;
            while ((end = pending.indexOf("\r\n\r\n")) >= 0) {
              pending.delete(0, end + 4);
              c.write(ByteBuffer.wrap(("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
                  + "Content-Type: text/plain\r\n\r\nok").getBytes(StandardCharsets.US_ASCII)));
            }
          }
        }
      }
    } catch (IOException e) {
      // server closed
    }
  }
}
