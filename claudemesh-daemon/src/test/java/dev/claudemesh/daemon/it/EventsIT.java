package dev.claudemesh.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.claudemesh.core.Peer;
import dev.claudemesh.core.SendRequest;
import dev.claudemesh.core.identity.DaemonPaths;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §3.4 against a daemon run from the jar: a {@code curl -N} subscriber on {@code daemon.sock}
 * gets the {@code message} event of a peer's DM within a second, a second {@code curl} with
 * {@code Last-Event-ID} gets the events it missed, and the 33rd concurrent stream is refused with
 * 429 {@code too_many_streams} while the 32 others stay open (that a closed stream frees its slot
 * is {@code SseRouteTest}'s, with a short keepalive).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventsIT {
  private static final Path CURL = Path.of("/usr/bin/curl");
  private static final Pattern ID = Pattern.compile("^id: (\\d+)$");

  private TestMesh mesh;
  private JarDaemon alice;
  private Peer bob;
  private String alicePubkey;
  private final List<Process> curls = new ArrayList<>();

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    requireCurl();
    mesh = TestMesh.start(tmp);
    DaemonPaths alicePaths = mesh.joinWithJar("alice");
    mesh.joinInProcess("bob");
    alicePubkey = mesh.pubkey("alice");
    alice = JarDaemon.start(mesh.env(), alicePaths, "alice");
    bob = mesh.openPeer("bob");
  }

  @AfterAll
  void stop() throws Exception {
    for (Process p : curls) {
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    if (bob != null) {
      bob.close();
    }
    JarDaemon.killAll();
    if (mesh != null) {
      mesh.close();
    }
  }

  /** A running {@code curl -N} and the lines it printed, as they come. */
  private final class Subscriber implements AutoCloseable {
    final Process process;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    Subscriber(String... headers) throws IOException, InterruptedException {
      this(alice.socket(), headers);
    }

    Subscriber(Path socket, String... headers) throws IOException, InterruptedException {
      List<String> command = new ArrayList<>(List.of(CURL.toString(), "-sN", "--unix-socket",
          socket.toString()));
      for (String h : headers) {
        command.add("-H");
        command.add(h);
      }
      command.add("http://localhost/v1/events");
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
      curls.add(process);
      Thread reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
            process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = in.readLine()) != null; ) {
            lines.add(line);
          }
        } catch (IOException e) {
          // the process was killed
        }
      }, "curl-reader");
      reader.setDaemon(true);
      reader.start();
      await(": stream open", Duration.ofSeconds(10));
    }

    /** Waits for a line equal to {@code wanted}; the lines before it are consumed. */
    List<String> await(String wanted, Duration timeout) throws InterruptedException {
      List<String> seen = new ArrayList<>();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        long left = deadline - System.nanoTime();
        String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
        if (line == null) {
          fail("no line \"" + wanted + "\" within " + timeout + "; saw " + seen);
        }
        seen.add(line);
        if (line.equals(wanted)) {
          return seen;
        }
      }
    }

    @Override
    public void close() throws InterruptedException {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aCurlSubscriberGetsTheMessageWithinASecondAndLastEventIdReplaysWhatItMissed()
      throws Exception {
    long lastSeen;
    try (Subscriber live = new Subscriber()) {
      long sent = System.nanoTime();
      bob.send(SendRequest.of(alicePubkey, "first"));
      List<String> frame = live.await("event: message", Duration.ofSeconds(5));
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
      assertTrue(ms < 1000, "message event after " + ms + " ms");
      lastSeen = lastId(frame);
      String data = live.await("", Duration.ofSeconds(2)).stream()
          .filter(l -> l.startsWith("data: ")).findFirst().orElseThrow();
      assertTrue(data.contains("\"ts\":"), data);
      assertTrue(data.contains("first"), data);
    }
    // missed while no one listened
    bob.send(SendRequest.of(alicePubkey, "second"));
    bob.send(SendRequest.of(alicePubkey, "third"));
    awaitInbox(3);
    try (Subscriber resumed = new Subscriber("Last-Event-ID: " + lastSeen)) {
      List<String> replay = new ArrayList<>(resumed.await("event: message", Duration.ofSeconds(5)));
      replay.addAll(resumed.await("event: message", Duration.ofSeconds(5)));
      replay.addAll(resumed.await("", Duration.ofSeconds(2)));
      String text = String.join("\n", replay);
      assertTrue(text.contains("second") && text.contains("third"), text);
      assertTrue(!text.contains("\"first\"") && !text.contains("first\""), "no event again: " + text);
      for (String line : replay) {
        Matcher m = ID.matcher(line);
        if (m.matches()) {
          assertTrue(Long.parseLong(m.group(1)) > lastSeen, "replayed ids follow " + lastSeen);
        }
      }
    }
  }

  @Test
  void theThirtyThirdStreamIsRefusedWhileThirtyTwoStayOpen() throws Exception {
    // a daemon of its own: streams whose curl was killed hold their slot until the next
    // keepalive write fails (15 s), which would make the count here depend on the other test
    JarDaemon carol = JarDaemon.start(mesh.env(), mesh.joinWithJar("carol"), "carol");
    List<Subscriber> open = new ArrayList<>();
    try {
      for (int i = 0; i < 32; i++) {
        open.add(new Subscriber(carol.socket()));
      }
      SocketHttp.Reply refused = SocketHttp.get(carol.socket(), "/v1/events");
      assertEquals(429, refused.status(), refused::toString);
      assertTrue(refused.body().contains("\"too_many_streams\""), refused::toString);
      assertEquals(200, SocketHttp.get(carol.socket(), "/v1/version").status(),
          "other requests still answered");
    } finally {
      for (Subscriber s : open) {
        s.close();
      }
      carol.close();
    }
  }

  private static long lastId(List<String> lines) {
    long id = -1;
    for (String line : lines) {
      Matcher m = ID.matcher(line);
      if (m.matches()) {
        id = Long.parseLong(m.group(1));
      }
    }
    assertTrue(id > 0, "an id line before the event: " + lines);
    return id;
  }

  private void awaitInbox(int count) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      SocketHttp.Reply inbox = SocketHttp.get(alice.socket(), "/v1/inbox?limit=10");
      if (inbox.status() == 200
          && inbox.body().split("\"client_message_id\"", -1).length - 1 >= count) {
        return;
      }
      Thread.sleep(50);
    }
    fail("alice's inbox did not reach " + count + " messages");
  }

  static void requireCurl() {
    if (!Files.isExecutable(CURL)) {
      if ("true".equals(System.getenv("CI"))) {
        fail("curl is needed at " + CURL + " for the SSE acceptance test");
      }
      Assumptions.abort("curl is not installed");
    }
  }
}
