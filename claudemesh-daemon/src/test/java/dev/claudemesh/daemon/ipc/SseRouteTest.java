package dev.claudemesh.daemon.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.api.ApiJson;
import dev.claudemesh.api.ErrorCodes;
import dev.claudemesh.api.EventKinds;
import dev.claudemesh.api.Routes;
import dev.claudemesh.api.Version;
import dev.claudemesh.core.events.EventBus;
import dev.claudemesh.core.events.PeerEvent;
import dev.claudemesh.core.identity.DaemonPaths;
import dev.claudemesh.core.identity.LocalTokens;
import dev.claudemesh.core.internal.SecureFiles;
import dev.claudemesh.daemon.ipc.SseClient.Block;
import dev.claudemesh.daemon.ipc.UdsHttp.Reply;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okio.BufferedSource;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /v1/events} over the real server, fed by a real {@link EventBus}. */
class SseRouteTest {
  @TempDir Path tmp;

  private DaemonPaths paths;
  private LocalTokens tokens;
  private EventBus bus;
  private volatile @Nullable String degraded;
  private final List<IpcServer> servers = new ArrayList<>();
  private final List<SseClient> clients = new ArrayList<>();
  private final OkHttpClient http = new OkHttpClient.Builder()
      .readTimeout(5, TimeUnit.SECONDS).build();

  @BeforeEach
  void setUp() throws IOException {
    paths = DaemonPaths.inDirectory(tmp.resolve("daemon"));
    SecureFiles.createPrivateDirectories(paths.dir());
    tokens = LocalTokens.openOrCreate(paths.localToken(), Clock.systemUTC());
    bus = new EventBus(Clock.systemUTC(), 1000);
  }

  @AfterEach
  void tearDown() throws IOException {
    for (SseClient c : clients) {
      c.close();
    }
    servers.forEach(IpcServer::close);
    bus.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }


  private IpcServer start(Consumer<IpcServer.Builder> tune) throws IOException {
    IpcServer.Builder b = IpcServer.builder(paths).tokens(tokens).tcp(true, 0)
        .events(PeerPorts.events(bus, () -> Optional.ofNullable(degraded)))
        .version(() -> Version.current("9.9.9-test", 1, Map.of()));
    tune.accept(b);
    IpcServer server = b.build();
    servers.add(server);
    server.start();
    return server;
  }

  private IpcServer start() throws IOException {
    return start(b -> {});
  }

  private SseClient open(IpcServer server, String... headers) throws IOException {
    SseClient client = SseClient.open(server.socket(), Routes.EVENTS, headers);
    clients.add(client);
    return client;
  }

  private PeerEvent publish(int n) {
    return bus.publish(EventKinds.MESSAGE, Map.of("id", "m" + n, "body", "hello " + n));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> data(Block frame) {
    return ApiJson.fromJson(frame.data(), Map.class);
  }

  @Test
  void aPublishedEventArrivesAsOneFrame() throws Exception {
    IpcServer server = start();
    SseClient client = open(server);
    assertEquals(200, client.status(), client.head());
    assertEquals(Routes.MEDIA_EVENT_STREAM, client.header("Content-Type"));
    assertEquals("nosniff", client.header("X-Content-Type-Options"));
    assertEquals("no-store", client.header("Cache-Control"));
    assertNull(client.header("Access-Control-Allow-Origin"));
    PeerEvent event = publish(1);

    Block frame = client.nextFrame();
    assertEquals(event.id(), frame.id());
    assertEquals(EventKinds.MESSAGE, frame.event());
    Map<String, Object> data = data(frame);
    assertEquals(event.ts().toEpochMilli(), ((Number) data.get("ts")).longValue());
    assertEquals("hello 1", data.get("body"));
    assertEquals("m1", data.get("id"));
  }

  @Test
  void withoutLastEventIdOnlyNewEventsCome() throws Exception {
    IpcServer server = start();
    publish(1);
    publish(2);
    SseClient client = open(server);
    PeerEvent third = publish(3);
    assertEquals(third.id(), client.nextFrame().id());
  }

  @Test
  void lastEventIdReplaysThenGoesLiveWithoutGapsOrDuplicates() throws Exception {
    IpcServer server = start();
    for (int i = 1; i <= 50; i++) {
      publish(i);
    }
    // publish while the stream opens, so live events race the replay
    AtomicBoolean publishing = new AtomicBoolean(true);
    Thread publisher = new Thread(() -> {
      for (int i = 51; i <= 400 && publishing.get(); i++) {
        publish(i);
      }
    });
    publisher.start();
    SseClient client = open(server, "Last-Event-ID: 20");
    publisher.join();
    long last = bus.lastId();
    long expected = 21;
    while (expected <= last) {
      Block frame = client.nextFrame();
      assertEquals(expected, frame.id(), "frames must follow each other without gaps");
      expected++;
    }
    PeerEvent after = publish(999);
    assertEquals(after.id(), client.nextFrame().id());
  }

  @Test
  void aLastEventIdOlderThanTheRingStartsWithReplayGap() throws Exception {
    IpcServer server = start();
    for (int i = 1; i <= 1100; i++) {
      publish(i);
    }
    SseClient client = open(server, "Last-Event-ID: 10");
    Block gap = client.nextFrame();
    assertEquals(EventKinds.REPLAY_GAP, gap.event());
    assertEquals(100L, gap.id());
    assertEquals(10L, ((Number) data(gap).get("last_event_id")).longValue());
    assertEquals(101L, ((Number) data(gap).get("oldest_event_id")).longValue());
    for (long id = 101; id <= 1100; id++) {
      assertEquals(id, client.nextFrame().id());
    }
  }

  @Test
  void aLastEventIdFromAnEarlierDaemonReplaysTheRingAfterAGap() throws Exception {
    IpcServer server = start();
    publish(1);
    publish(2);
    SseClient client = open(server, "Last-Event-ID: 5000");
    Block gap = client.nextFrame();
    assertEquals(EventKinds.REPLAY_GAP, gap.event());
    assertEquals(5000L, ((Number) data(gap).get("last_event_id")).longValue());
    assertEquals(1L, ((Number) data(gap).get("oldest_event_id")).longValue());
    assertEquals(1L, client.nextFrame().id());
    assertEquals(2L, client.nextFrame().id());
    assertEquals(publish(3).id(), client.nextFrame().id());
  }

  @Test
  void aKeepaliveCommentArrivesEachInterval() throws Exception {
    IpcServer server = start(b -> b.keepaliveInterval(Duration.ofMillis(100)));
    SseClient client = open(server);
    assertEquals("stream open", Block.parse(client.nextRaw(Duration.ofSeconds(5))).comment());
    String raw = client.nextRaw(Duration.ofSeconds(5));
    assertNotNull(raw);
    assertEquals("keepalive", Block.parse(raw).comment());
  }

  @Test
  void the33rdStreamIsRefusedWhileOtherRequestsAreServed() throws Exception {
    IpcServer server = start(b -> b.maxInFlight(4).keepaliveInterval(Duration.ofMillis(50)));
    List<SseClient> open = new ArrayList<>();
    for (int i = 0; i < EventStreams.MAX_STREAMS; i++) {
      SseClient c = open(server);
      assertEquals(200, c.status(), c.head());
      open.add(c);
    }
    SseClient refused = open(server);
    assertEquals(429, refused.status());
    assertEquals("1", refused.header("Retry-After"));
    assertEquals(Routes.MEDIA_PROBLEM_JSON, refused.header("Content-Type"));
    // streams hold no in-flight slot: with 4 slots and 32 streams, requests still answer
    Reply version = UdsHttp.get(server.socket(), Routes.VERSION);
    assertEquals(200, version.status(), version.body());

    // a client that goes away frees its slot once a write to it fails
    open.get(0).close();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    int status = 0;
    while (System.nanoTime() < deadline) {
      SseClient again = open(server);
      status = again.status();
      if (status == 200) {
        break;
      }
      again.close();
      Thread.sleep(50);
    }
    assertEquals(200, status);
  }

  @Test
  void theRefusalNamesTooManyStreams() throws Exception {
    IpcServer server = start(b -> b.maxStreams(1));
    assertEquals(200, open(server).status());
    Reply reply = UdsHttp.get(server.socket(), Routes.EVENTS);
    assertEquals(429, reply.status());
    assertEquals(ErrorCodes.TOO_MANY_STREAMS, ApiJson.fromJson(reply.body(), Map.class).get("error"));
    assertEquals("1", reply.header("Retry-After"));
  }

  @Test
  void closingTheServerEndsEveryStream() throws Exception {
    IpcServer server = start();
    SseClient a = open(server);
    SseClient b = open(server);
    assertEquals(200, a.status());
    assertEquals(200, b.status());
    long started = System.nanoTime();
    server.close();
    assertTrue(a.endsWithin(Duration.ofSeconds(5)));
    assertTrue(b.endsWithin(Duration.ofSeconds(5)));
    assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5));
  }

  @Test
  void aDegradedPeerRefusesNewStreams() throws Exception {
    IpcServer server = start();
    degraded = "the outbox is out of storage";
    Reply reply = UdsHttp.get(server.socket(), Routes.EVENTS);
    assertEquals(503, reply.status());
    assertEquals(ErrorCodes.DAEMON_DEGRADED,
        ApiJson.fromJson(reply.body(), Map.class).get("error"));
  }

  @Test
  void badResumeIdsAndQueryParametersAre400() throws Exception {
    IpcServer server = start();
    Reply bad = UdsHttp.get(server.socket(), Routes.EVENTS, "Last-Event-ID: abc");
    assertEquals(400, bad.status());
    assertTrue(ApiJson.fromJson(bad.body(), Map.class).get("detail").toString()
        .startsWith("Last-Event-ID:"), bad.body());
    Reply query = UdsHttp.get(server.socket(), Routes.EVENTS + "?since=1");
    assertEquals(400, query.status());
  }

  @Test
  void theGuardRunsBeforeAStreamStarts() throws Exception {
    IpcServer server = start();
    Request noToken = new Request.Builder()
        .url("http://127.0.0.1:" + server.tcpPort() + Routes.EVENTS).build();
    try (Response r = http.newCall(noToken).execute()) {
      assertEquals(401, r.code());
      assertEquals("Bearer", r.header("WWW-Authenticate"));
    }
    assertEquals(403, UdsHttp.get(server.socket(), Routes.EVENTS, "Origin: https://evil.example")
        .status());
    assertEquals(400, UdsHttp.get(server.socket(), Routes.EVENTS + "?token=x").status());
  }

  @Test
  void overTcpWithTheTokenEventsArrive() throws Exception {
    IpcServer server = start();
    Request request = new Request.Builder()
        .url("http://127.0.0.1:" + server.tcpPort() + Routes.EVENTS)
        .header("Authorization", "Bearer " + tokens.insecureCurrentToken()).build();
    try (Response r = http.newCall(request).execute()) {
      assertEquals(200, r.code());
      PeerEvent event = publish(7);
      BufferedSource source = r.body().source();
      String line;
      do {
        line = source.readUtf8LineStrict();
      } while (!line.startsWith("id: "));
      assertEquals("id: " + event.id(), line);
      assertEquals("event: message", source.readUtf8LineStrict());
      assertTrue(source.readUtf8LineStrict().startsWith("data: {\"ts\":"));
    }
  }

  /**
   * A client that reads nothing: once its queue overflows the queue is dropped and later events
   * are ignored; the stream ends as soon as the write in progress finishes or fails.
   */
  @Test
  void aSlowConsumerIsEndedNotBuffered() {
    List<String> ends = new ArrayList<>();
    SseStream stream = new SseStream(0, (s, reason) -> ends.add(reason));
    List<Callback> pending = new ArrayList<>();
    AtomicBoolean ended = new AtomicBoolean();
    stream.start(new ResponseStream.Sink() {
      @Override
      public void write(ByteBuffer bytes, Callback done) {
        pending.add(done); // the client does not read: the write stays pending
      }

      @Override
      public void end() {
        ended.set(true);
      }

      @Override
      public void abort(Throwable cause) {
        ended.set(true);
      }
    });
    assertEquals(1, pending.size(), "the stream-open comment is written at once");
    for (int i = 1; i <= SseStream.MAX_QUEUED_EVENTS + 10; i++) {
      stream.offer(publish(i));
    }
    assertEquals(List.of(), ends, "the answer cannot end while a write is pending");
    assertEquals(1, pending.size());
    pending.get(0).succeeded();
    assertEquals(1, pending.size(), "nothing queued is written after the overflow");
    assertTrue(ended.get());
    assertEquals(1, ends.size());
    assertTrue(ends.get(0).startsWith("client too slow: 1025 events"), ends.get(0));
  }
}
