package dev.claudemesh.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.core.identity.DaemonPaths;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 65 slow {@code POST /v1/send} at once over {@code daemon.sock}: the guard takes an in-flight
 * slot before reading the body, so 64 hold the slots and the 65th is refused with 429
 * {@code daemon_busy} (SPEC §3.2) while the others wait; all 64 are served once their bodies come.
 */
class BusyIT {
  private static final int HELD = 64;
  private static final int BODY_BYTES = 100;

  @TempDir Path tmp;

  @AfterEach
  void noChildLeft() throws InterruptedException {
    JarDaemon.killAll();
  }

  @Test
  void theSixtyFifthSlowRequestIsDaemonBusy() throws Exception {
    try (TestMesh mesh = TestMesh.start(tmp)) {
      DaemonPaths alice = mesh.joinWithJar("alice");
      JarDaemon daemon = JarDaemon.start(mesh.env(), alice, "alice");
      Path socket = daemon.socket();
      byte[] head = ("POST /v1/send HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json"
          + "\r\nContent-Length: " + BODY_BYTES + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII);
      // valid JSON of exactly 100 bytes that is not a valid send: 400 once it arrives
      String json = "{\"to\": 1, \"message\": \"held\"}";
      byte[] body = (json + " ".repeat(BODY_BYTES - json.length()))
          .getBytes(StandardCharsets.US_ASCII);

      ExecutorService readers = Executors.newCachedThreadPool();
      List<SocketChannel> channels = new ArrayList<>();
      List<CompletableFuture<Optional<SocketHttp.Reply>>> answers = new ArrayList<>();
      try {
        for (int i = 0; i < HELD + 1; i++) {
          SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
          channels.add(channel);
          channel.connect(UnixDomainSocketAddress.of(socket));
          write(channel, head);
          answers.add(CompletableFuture.supplyAsync(
              () -> SocketHttp.parse(SocketHttp.readToEnd(channel)), readers));
        }
        // the excess is answered at once; the held ones only after their bodies
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (answers.stream().noneMatch(CompletableFuture::isDone)
            && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        Thread.sleep(1000);
        List<SocketHttp.Reply> early = new ArrayList<>();
        List<SocketChannel> held = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
          if (answers.get(i).isDone()) {
            early.add(answers.get(i).get().orElseThrow());
          } else {
            held.add(channels.get(i));
          }
        }
        assertEquals(1, early.size(), () -> "answered while 64 were held: " + early);
        SocketHttp.Reply busy = early.get(0);
        assertEquals(429, busy.status(), busy::toString);
        assertEquals("daemon_busy", busy.problem().error(), busy::toString);
        assertEquals("1", busy.header("Retry-After"));
        System.out.printf("slow requests: %d held, %d answered 429 %s at once%n", held.size(),
            early.size(), busy.problem().error());

        for (SocketChannel channel : held) {
          write(channel, body);
        }
        for (int i = 0; i < answers.size(); i++) {
          SocketHttp.Reply reply = answers.get(i).get(30, TimeUnit.SECONDS).orElseThrow();
          if (reply != busy) {
            assertEquals(400, reply.status(), reply::toString);
            assertEquals("invalid_request", reply.problem().error(), reply::toString);
          }
        }
      } finally {
        for (SocketChannel channel : channels) {
          channel.close();
        }
        readers.shutdownNow();
      }
      // every slot was given back
      assertEquals(200, SocketHttp.get(socket, "/v1/version").status());
      assertTrue(daemon.isAlive());
    }
  }

  private static void write(SocketChannel channel, byte[] bytes) throws Exception {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }
}
