package dev.claudemesh.daemon.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.api.ErrorCodes;
import dev.claudemesh.api.EventKinds;
import dev.claudemesh.api.Health;
import dev.claudemesh.api.InboxMessage;
import dev.claudemesh.api.OutboxPage;
import dev.claudemesh.api.OutboxRow;
import dev.claudemesh.api.PageQuery;
import dev.claudemesh.api.Profile;
import dev.claudemesh.api.RequeueRequest;
import dev.claudemesh.api.RequeueResponse;
import dev.claudemesh.api.SendRequest;
import dev.claudemesh.api.SendResponse;
import dev.claudemesh.api.ServerEvent;
import dev.claudemesh.api.TopicPostRequest;
import dev.claudemesh.api.Version;
import dev.claudemesh.broker.ReferenceBroker;
import dev.claudemesh.client.BrokerUnavailableException;
import dev.claudemesh.client.ClaudemeshClient;
import dev.claudemesh.client.ClaudemeshException;
import dev.claudemesh.client.DaemonNotRunningException;
import dev.claudemesh.client.DestinationUnresolvableException;
import dev.claudemesh.client.EventListener;
import dev.claudemesh.client.EventSubscription;
import dev.claudemesh.client.IdempotencyKeyReusedException;
import dev.claudemesh.client.InvalidRequestException;
import dev.claudemesh.client.PayloadTooLargeException;
import dev.claudemesh.client.UnauthorizedException;
import dev.claudemesh.core.Peer;
import dev.claudemesh.core.identity.DaemonPaths;
import dev.claudemesh.daemon.DaemonRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The typed client against real daemons (in-process {@link DaemonRuntime}s with TCP on) and a
 * real reference broker: every {@code /v1} route of the frozen core and every typed exception a
 * real daemon produces, over both the Unix socket and loopback TCP.
 */
class ClientAgainstDaemonTest {
  /** Small enough that a 5,000-character message is refused with 413. */
  private static final int INLINE_BYTES = 4096;

  enum Transport { UDS, TCP }

  @TempDir Path tmp;

  private ReferenceBroker broker;
  private Map<String, String> env;
  private final Map<String, DaemonRuntime> daemons = new HashMap<>();
  private final List<ClaudemeshClient> clients = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    broker = ReferenceBroker.builder().dbPath(tmp.resolve("broker.db")).host("127.0.0.1")
        .port(0).inlineBytes(INLINE_BYTES).build().start();
    broker.createMesh("team");
    env = new HashMap<>();
    env.put(DaemonPaths.ENV_HOME, tmp.resolve("home").toString());
    env.put("USER", "tester");
    env.put("HOSTNAME", "box.example");
    for (String name : new String[] {"alice", "bob"}) {
      DaemonPaths paths = DaemonPaths.resolve(env, name);
      Peer.join(paths, env, broker.wsUrl(), broker.createInvite("team", 1, false), name);
      Files.writeString(paths.dir().resolve("config.toml"), "[ipc]\ntcp_enabled = true\n");
      start(name);
    }
  }

  @AfterEach
  void tearDown() {
    clients.forEach(ClaudemeshClient::close);
    daemons.values().forEach(DaemonRuntime::close);
    broker.close();
  }

  private DaemonRuntime start(String name) throws IOException {
    DaemonRuntime d = DaemonRuntime.start(new DaemonRuntime.Options(DaemonPaths.resolve(env, name))
        .env(env).persistent(true));
    daemons.put(name, d);
    return d;
  }

  private ClaudemeshClient client(String name, Transport transport) throws IOException {
    DaemonPaths paths = DaemonPaths.resolve(env, name);
    ClaudemeshClient.Builder b = ClaudemeshClient.builder().retryBackoff(Duration.ofMillis(50));
    if (transport == Transport.UDS) {
      b.socket(paths.socket());
    } else {
      b.baseUrl("http://127.0.0.1:" + daemons.get(name).tcpPort())
          .token(Files.readString(paths.localToken()).trim());
    }
    ClaudemeshClient c = b.build();
    clients.add(c);
    return c;
  }

  private static Health awaitConnected(ClaudemeshClient c) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      Health h = c.health();
      if (h.connected()) {
        return h;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(c + " did not connect");
  }

  private static InboxMessage awaitInbox(ClaudemeshClient c, String clientMessageId)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      for (InboxMessage m : c.inbox().messages()) {
        if (m.clientMessageId().equals(clientMessageId)) {
          return m;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError(clientMessageId + " never reached the inbox");
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void everyRouteAnswers(Transport transport) throws Exception {
    ClaudemeshClient alice = client("alice", transport);
    ClaudemeshClient bob = client("bob", transport);
    assertEquals(transport == Transport.UDS, alice.usesSocket());
    Health health = awaitConnected(alice);
    assertEquals("team", health.mesh());
    awaitConnected(bob);

    Version version = alice.version();
    assertEquals("v1", version.ipcApi());
    assertTrue(version.ipcFeatures().contains("idempotency_key"), version.toString());
    assertEquals(List.of("v1"), alice.compat().ipcApis());
    assertTrue(alice.metrics().contains("# TYPE "), "Prometheus text");
    assertTrue(alice.heartbeat("client-it").ok());

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (alice.peers().peers().stream().noneMatch(p -> p.name().equals("bob"))) {
      assertTrue(System.nanoTime() < deadline, "bob among alice's peers");
      Thread.sleep(50);
    }
    assertTrue(alice.subscribe("news"));
    assertTrue(alice.subscribe("news"), "idempotent");
    assertTrue(alice.topics().topics().stream()
        .anyMatch(t -> t.name().equals("news") && t.subscribed()));
    assertFalse(alice.unsubscribe("news"));
    Profile profile = alice.profile(new Profile("testing the client", null, null, null, null,
        null, null));
    assertEquals("testing the client", profile.summary());

    // send: a minted key, kept in the answer; the same key and body again is no second message
    SendResponse sent = alice.send("bob", "hello over " + transport);
    assertEquals(SendResponse.STATUS_QUEUED, sent.status());
    assertEquals(26, sent.clientMessageId().length(), sent.clientMessageId());
    InboxMessage got = awaitInbox(bob, sent.clientMessageId());
    assertEquals("hello over " + transport, got.message());
    assertEquals("alice", got.senderName());
    SendResponse again = alice.send(new SendRequest("bob", "hello over " + transport, null, null,
        null, sent.clientMessageId()));
    assertEquals(sent.clientMessageId(), again.clientMessageId());

    assertTrue(bob.subscribe("news"));
    SendResponse posted = alice.topicPost(new TopicPostRequest("news", "to the topic", null,
        null, null));
    assertNotNull(posted.clientMessageId());

    // paging: one message a page, walked by the iterator
    SendResponse second = alice.send("bob", "second");
    awaitInbox(bob, second.clientMessageId());
    List<String> ids = new ArrayList<>();
    for (InboxMessage m : bob.inboxMessages(new PageQuery(null, null, null, null, 1, null))) {
      ids.add(m.clientMessageId());
    }
    assertTrue(ids.containsAll(List.of(sent.clientMessageId(), second.clientMessageId())),
        ids.toString());
    assertEquals(1, bob.inbox(new PageQuery(null, null, null, null, 1, null)).messages().size());

    OutboxPage outbox = alice.outbox(null, 100, null);
    assertTrue(outbox.rows().stream()
        .anyMatch(r -> r.clientMessageId().equals(sent.clientMessageId())), outbox.toString());
    ClaudemeshException notRequeueable = assertThrows(ClaudemeshException.class,
        () -> alice.requeue(new RequeueRequest("no-such-row", null, true, null, null)));
    assertEquals(ErrorCodes.NOT_FOUND, notRequeueable.errorCode());

    // refusals, each its own type
    DestinationUnresolvableException unknown = assertThrows(
        DestinationUnresolvableException.class, () -> alice.send("nobody", "hi"));
    assertEquals(422, unknown.status());
    PayloadTooLargeException large = assertThrows(PayloadTooLargeException.class,
        () -> alice.send("bob", "x".repeat(INLINE_BYTES + 1000)));
    assertEquals(413, large.status());
    InvalidRequestException invalid = assertThrows(InvalidRequestException.class,
        () -> alice.send(new SendRequest("bob", "hi", "urgent", null, null, null)));
    assertEquals(400, invalid.status());
    assertThrows(InvalidRequestException.class, () -> alice.outbox("finished", null, null));
    IdempotencyKeyReusedException reused = assertThrows(IdempotencyKeyReusedException.class,
        () -> alice.send(new SendRequest("bob", "a different body", null, null, null,
            sent.clientMessageId())));
    assertEquals(409, reused.status());
    assertNotNull(reused.conflict());
    assertTrue(reused.daemonFingerprintPrefix().matches("[0-9a-f]{16}"));
  }

  @Test
  void sixtyFourHeldRequestsMakeTheNextADaemonBusyException() throws Exception {
    DaemonPaths alice = DaemonPaths.resolve(env, "alice");
    ClaudemeshClient c = ClaudemeshClient.builder().socket(alice.socket()).maxRetries(0).build();
    clients.add(c);
    List<java.nio.channels.SocketChannel> held = new ArrayList<>();
    try {
      byte[] head = ("POST /v1/send HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json"
          + "\r\nContent-Length: 100\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      for (int i = 0; i < 64; i++) {
        java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(
            java.net.UnixDomainSocketAddress.of(alice.socket()));
        ch.write(java.nio.ByteBuffer.wrap(head)); // the body never comes: the request stays in flight
        held.add(ch);
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      dev.claudemesh.client.DaemonBusyException busy = null;
      while (busy == null && System.nanoTime() < deadline) {
        try {
          c.version(); // until the 64 are all in flight on the daemon's side
          Thread.sleep(20);
        } catch (dev.claudemesh.client.DaemonBusyException e) {
          busy = e;
        }
      }
      assertNotNull(busy, "no daemon_busy with 64 requests held");
      assertEquals(429, busy.status());
      assertEquals(ErrorCodes.DAEMON_BUSY, busy.errorCode());
      assertEquals(Duration.ofSeconds(1), busy.retryAfter());
    } finally {
      for (java.nio.channels.SocketChannel ch : held) {
        ch.close();
      }
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      try {
        assertNotNull(c.version());
        break;
      } catch (dev.claudemesh.client.DaemonBusyException stillHeld) {
        assertTrue(System.nanoTime() < deadline, "the slots were not given back");
        Thread.sleep(50);
      }
    }
  }

  @Test
  void pastTheBurstOfOneTokenARateLimitedException() throws Exception {
    ClaudemeshClient c = ClaudemeshClient.builder()
        .baseUrl("http://127.0.0.1:" + daemons.get("alice").tcpPort())
        .token(Files.readString(DaemonPaths.resolve(env, "alice").localToken()).trim())
        .maxRetries(0).build();
    clients.add(c);
    dev.claudemesh.client.RateLimitedException limited = null;
    int answered = 0;
    for (int i = 0; i < 5_000 && limited == null; i++) {
      try {
        c.version();
        answered++;
      } catch (dev.claudemesh.client.RateLimitedException e) {
        limited = e;
      }
    }
    assertNotNull(limited, "no rate_limited after " + answered + " requests");
    assertTrue(answered >= 1000, "the burst of 1,000 is served first: " + answered);
    assertEquals(429, limited.status());
    assertEquals(ErrorCodes.RATE_LIMITED, limited.errorCode());
    assertNotNull(limited.retryAfter());
  }

  @Test
  void anOutboxAtItsByteBudgetIsAnInsufficientStorageException() throws Exception {
    daemons.remove("alice").close();
    broker.close(); // the rows stay pending; the file only grows
    DaemonPaths alice = DaemonPaths.resolve(env, "alice");
    Files.writeString(alice.configToml(), "[outbox]\nmax_bytes = 1048576\n");
    start("alice");
    ClaudemeshClient c = ClaudemeshClient.builder().socket(alice.socket()).maxRetries(0).build();
    clients.add(c);
    String bob = daemons.get("bob").peer().memberPubkey();
    String body = "x".repeat(3000);
    dev.claudemesh.client.InsufficientStorageException full = null;
    int accepted = 0;
    for (int i = 0; i < 2_000 && full == null; i++) {
      try {
        c.send(bob, body + i);
        accepted++;
      } catch (dev.claudemesh.client.InsufficientStorageException e) {
        full = e;
      }
    }
    assertNotNull(full, "no 507 after " + accepted + " sends of 3,000 bytes into a 1 MiB outbox");
    assertEquals(507, full.status());
    assertEquals(ErrorCodes.INSUFFICIENT_STORAGE, full.errorCode());
    assertTrue(accepted > 0, "sends were accepted until the budget filled: " + accepted);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aPreSendHookRefusalIsAPreSendRejectedException(Transport transport) throws Exception {
    daemons.remove("alice").close();
    DaemonPaths alice = DaemonPaths.resolve(env, "alice");
    Files.writeString(alice.configToml(), "[ipc]\ntcp_enabled = true\n[hooks]\nenabled = true\n");
    java.nio.file.Path hooks = dev.claudemesh.core.internal.SecureFiles
        .createPrivateDirectories(alice.hooksDir());
    Files.writeString(hooks.resolve("hooks.toml"), "[pre-send]\n");
    java.nio.file.Path preSend = hooks.resolve("pre-send");
    Files.writeString(preSend, "#!/bin/sh\ncase \"$(cat)\" in *secret*) echo 'no secrets';"
        + " exit 1;; esac\n");
    Files.setPosixFilePermissions(preSend,
        java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    start("alice");
    ClaudemeshClient c = client("alice", transport);
    String bob = daemons.get("bob").peer().memberPubkey();
    dev.claudemesh.client.PreSendRejectedException e = assertThrows(
        dev.claudemesh.client.PreSendRejectedException.class, () -> c.send(bob, "a secret"));
    assertEquals(403, e.status());
    assertEquals(ErrorCodes.PRE_SEND_REJECTED, e.errorCode());
    assertTrue(e.detail().contains("no secrets"), e.detail());
    assertEquals(SendResponse.STATUS_QUEUED, c.send(bob, "nothing to hide").status());
  }

  @Test
  void discoveryFindsTheSocketOfTheMesh() throws Exception {
    try (ClaudemeshClient c = ClaudemeshClient.builder().env(env).mesh("alice").build()) {
      assertTrue(c.usesSocket());
      assertEquals(DaemonPaths.resolve(env, "alice").socket().toString(), c.address());
      assertEquals("team", c.health().mesh());
    }
  }

  @Test
  void aWrongTokenOnTcpIsUnauthorized() throws Exception {
    try (ClaudemeshClient c = ClaudemeshClient.builder()
        .baseUrl("http://127.0.0.1:" + daemons.get("alice").tcpPort()).token("not-the-token")
        .build()) {
      UnauthorizedException e = assertThrows(UnauthorizedException.class, c::health);
      assertEquals(401, e.status());
      assertThrows(UnauthorizedException.class, () -> c.send("bob", "hi"));
    }
  }

  @Test
  void noDaemonAtTheSocketIsDaemonNotRunning() throws Exception {
    Path missing = tmp.resolve("nowhere/daemon.sock");
    try (ClaudemeshClient c = ClaudemeshClient.builder().socket(missing).maxRetries(1)
        .retryBackoff(Duration.ofMillis(10)).build()) {
      DaemonNotRunningException e = assertThrows(DaemonNotRunningException.class, c::version);
      assertEquals("no daemon at " + missing + "; run `claudemesh daemon up`", e.getMessage());
    }
    daemons.remove("bob").close();
    try (ClaudemeshClient c = ClaudemeshClient.builder().env(env).mesh("bob").maxRetries(0)
        .build()) {
      assertThrows(DaemonNotRunningException.class, () -> c.send("alice", "hi"));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void withTheBrokerStoppedAReusedKeyIsAPendingMismatch(Transport transport) throws Exception {
    ClaudemeshClient alice = client("alice", transport);
    awaitConnected(alice);
    String bobKey = daemons.get("bob").peer().memberPubkey();
    broker.close();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (alice.health().connected()) {
      assertTrue(System.nanoTime() < deadline, "alice notices the broker is gone");
      Thread.sleep(50);
    }

    SendResponse queued = alice.send(new SendRequest(bobKey, "first", null, null, null, "key-1"));
    assertEquals("key-1", queued.clientMessageId());
    assertEquals(SendResponse.STATUS_QUEUED, queued.status());
    IdempotencyKeyReusedException e = assertThrows(IdempotencyKeyReusedException.class,
        () -> alice.send(new SendRequest(bobKey, "second", null, null, null, "key-1")));
    assertEquals(ErrorCodes.CONFLICT_PENDING_MISMATCH, e.conflict());
    assertTrue(e.daemonFingerprintPrefix().matches("[0-9a-f]{16}"), e.daemonFingerprintPrefix());

    OutboxPage pending = alice.outbox(OutboxRow.STATUS_PENDING, 10, null);
    assertTrue(pending.rows().stream().anyMatch(r -> r.clientMessageId().equals("key-1")));
    RequeueResponse requeued = alice.requeue(new RequeueRequest("key-1", null, true, null, null));
    assertEquals("key-1", requeued.abortedId());
    assertEquals(OutboxRow.STATUS_PENDING, requeued.status());
    assertFalse(requeued.clientMessageId().equals("key-1"), "a requeue mints a new id");

    assertThrows(BrokerUnavailableException.class, alice::peers);
  }

  @Test
  void eventsFollowADmAndResumeAcrossADaemonRestart() throws Exception {
    ClaudemeshClient alice = client("alice", Transport.TCP);
    awaitConnected(alice);
    ClaudemeshClient bob = client("bob", Transport.UDS);
    awaitConnected(bob);
    BlockingQueue<ServerEvent> events = new LinkedBlockingQueue<>();
    BlockingQueue<IOException> reconnects = new LinkedBlockingQueue<>();
    EventListener listener = new EventListener() {
      @Override
      public void onEvent(ServerEvent event) {
        events.add(event);
      }

      @Override
      public void onReconnecting(IOException cause, Duration delay) {
        reconnects.add(cause);
      }
    };
    try (EventSubscription sub = bob.events(null, listener)) {
      Thread.sleep(200); // the stream is open before the DMs
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        keys.add(alice.send("bob", "dm " + i).clientMessageId());
      }
      for (String key : keys) {
        awaitMessage(events, key, new ArrayList<>());
      }
      long before = sub.lastEventId();
      assertTrue(before >= 5, "ids so far: " + before);

      String bobKey = daemons.get("bob").peer().memberPubkey();
      daemons.remove("bob").close();
      String whileDown = alice.send(bobKey, "sent while bob was down").clientMessageId();
      start("bob");

      // the restarted daemon numbers its events from 1 again: the resumed stream says so first
      List<ServerEvent> seen = new ArrayList<>();
      ServerEvent message = awaitMessage(events, whileDown, seen);
      assertTrue(seen.stream().anyMatch(e -> e.event().equals(EventKinds.REPLAY_GAP)),
          "replay_gap before the new daemon's events: " + seen);
      assertTrue(message.id() >= 1);
      assertFalse(reconnects.isEmpty(), "the stream failed and was reopened");
      assertEquals(message.id(), sub.lastEventId());
    }
  }

  private static ServerEvent awaitMessage(BlockingQueue<ServerEvent> events, String key,
      List<ServerEvent> seen) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      long left = deadline - System.nanoTime();
      ServerEvent e = events.poll(Math.max(1, left), TimeUnit.NANOSECONDS);
      assertNotNull(e, "message event for " + key + " after " + seen);
      seen.add(e);
      if (e.event().equals(EventKinds.MESSAGE) && key.equals(e.data().get("client_message_id"))) {
        return e;
      }
    }
  }
}
