package dev.claudemesh.daemon.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.claudemesh.broker.FaultInjection;
import dev.claudemesh.broker.ReferenceBroker;
import dev.claudemesh.core.Peer;
import dev.claudemesh.core.SendRequest;
import dev.claudemesh.core.events.EventKinds;
import dev.claudemesh.core.events.PeerEvent;
import dev.claudemesh.core.identity.DaemonPaths;
import dev.claudemesh.core.internal.SecureFiles;
import dev.claudemesh.core.store.InboxQuery;
import dev.claudemesh.core.store.OutboxStatus;
import dev.claudemesh.daemon.DaemonRuntime;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Hooks (SPEC §9) in real daemons: in-process {@link DaemonRuntime}s for alice and bob on a real
 * reference broker, bob's hooks real {@code /bin/sh} scripts that write what they saw into {@code
 * out/}. Each test states one acceptance point of the hooks.
 */
class HooksDaemonTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path tmp;

  private final AtomicBoolean loseBobsAcks = new AtomicBoolean();
  private ReferenceBroker broker;
  private Map<String, String> env;
  private Path out;
  private DaemonRuntime alice;
  private DaemonRuntime bob;
  private final List<PeerEvent> bobEvents = new ArrayList<>();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  @BeforeEach
  void setUp() throws Exception {
    broker = ReferenceBroker.builder().dbPath(tmp.resolve("broker.db")).host("127.0.0.1").port(0)
        .deliveryLease(Duration.ofMillis(300))
        .faultInjectionForTests(new FaultInjection() {
          @Override
          public boolean ignoreClientAck(String memberId, String deliveryId) {
            return loseBobsAcks.get() && bob != null
                && memberId.equals(bob.peer().mesh().memberId());
          }
        }).build().start();
    broker.createMesh("team");
    env = new HashMap<>();
    env.put(DaemonPaths.ENV_HOME, tmp.resolve("home").toString());
    env.put("USER", "tester");
    env.put("HOSTNAME", "box.example");
    for (String name : List.of("alice", "bob")) {
      DaemonPaths paths = DaemonPaths.resolve(env, name);
      Peer.join(paths, env, broker.wsUrl(), broker.createInvite("team", 1, false), name);
      Files.writeString(paths.configToml(), "[hooks]\nenabled = true\n");
      SecureFiles.createPrivateDirectories(paths.hooksDir());
    }
    out = Files.createDirectories(tmp.resolve("out"));
    logs.start();
    ((Logger) LoggerFactory.getLogger(HookManager.class)).addAppender(logs);
    ((Logger) LoggerFactory.getLogger(HookManager.AUDIT_LOGGER)).addAppender(logs);
  }

  @AfterEach
  void tearDown() {
    ((Logger) LoggerFactory.getLogger(HookManager.class)).detachAppender(logs);
    ((Logger) LoggerFactory.getLogger(HookManager.AUDIT_LOGGER)).detachAppender(logs);
    if (bob != null) {
      bob.close();
    }
    if (alice != null) {
      alice.close();
    }
    broker.close();
  }

  // ------------------------------------------------------------------------------ set-up helpers

  private Path hooksDir(String name) {
    return DaemonPaths.resolve(env, name).hooksDir();
  }

  /** A {@code /bin/sh} hook of bob's; {@code $OUT} is the test's output directory. */
  private void hook(String name, String body) throws IOException {
    Path file = hooksDir("bob").resolve(name);
    Files.writeString(file, "#!/bin/sh\nOUT='" + out + "'\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
  }

  private void hooksToml(String toml) throws IOException {
    Files.writeString(hooksDir("bob").resolve(HooksConfig.FILE_NAME), toml);
  }

  private void startDaemons() throws Exception {
    startDaemons(env);
  }

  private void startDaemons(Map<String, String> bobsEnv) throws Exception {
    alice = DaemonRuntime.start(new DaemonRuntime.Options(DaemonPaths.resolve(env, "alice"))
        .env(env).persistent(true));
    bob = DaemonRuntime.start(new DaemonRuntime.Options(DaemonPaths.resolve(env, "bob"))
        .env(bobsEnv).persistent(true));
    bob.peer().events(e -> {
      synchronized (bobEvents) {
        bobEvents.add(e);
      }
    });
    await("both connected", () -> alice.peer().isConnected() && bob.peer().isConnected());
  }

  private String alicePub() {
    return alice.peer().memberPubkey();
  }

  private void aliceSends(String to, String body, String id, Map<String, ?> meta) throws Exception {
    alice.peer().send(SendRequest.builder(to, body).clientMessageId(id).meta(meta).build());
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(20);
    }
  }

  private int inboxSize(DaemonRuntime d) {
    try {
      return d.peer().inbox(InboxQuery.newest().limit(500)).messages().size();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private long openDeliveries(DaemonRuntime d) {
    try {
      return broker.openDeliveries(d.peer().mesh().memberId());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private long outboxDone(DaemonRuntime d) {
    try {
      return d.peer().outbox().depth().getOrDefault(OutboxStatus.DONE, 0L);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private List<PeerEvent> hookRuns() {
    synchronized (bobEvents) {
      return bobEvents.stream().filter(e -> e.kind().equals(EventKinds.HOOK_EXECUTED))
          .collect(Collectors.toList());
    }
  }

  private List<Path> outFiles(String suffix) throws IOException {
    try (Stream<Path> files = Files.list(out)) {
      return files.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted()
          .collect(Collectors.toList());
    }
  }

  private static String clientMessageId(String json) {
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("\"client_message_id\":\"([^\"]*)\"").matcher(json);
    return m.find() ? m.group(1) : "?";
  }

  /** One HTTP request over a Unix socket, with extra header lines; returns "status body". */
  static String overSocket(Path socket, String method, String path, String token, String body,
      String... headers) throws IOException {
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    StringBuilder head = new StringBuilder(method + " " + path
        + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    if (token != null) {
      head.append("Authorization: Bearer ").append(token).append("\r\n");
    }
    for (String header : headers) {
      head.append(header).append("\r\n");
    }
    if (body != null) {
      head.append("Content-Type: application/json\r\nContent-Length: ").append(bytes.length)
          .append("\r\n");
    }
    head.append("\r\n");
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(socket));
      channel.write(ByteBuffer.wrap(head.toString().getBytes(StandardCharsets.UTF_8)));
      channel.write(ByteBuffer.wrap(bytes));
      String answer = new String(Channels.newInputStream(channel).readAllBytes(),
          StandardCharsets.UTF_8);
      int split = answer.indexOf("\r\n\r\n");
      return answer.substring(9, 12) + " " + (split < 0 ? "" : answer.substring(split + 4));
    }
  }

  private static final String RECORD =
      "cat > \"$OUT/$CLAUDEMESH_HOOK_NAME.$CLAUDEMESH_EVENT_ID.json\"\n"
      + "env > \"$OUT/$CLAUDEMESH_HOOK_NAME.$CLAUDEMESH_EVENT_ID.env\"";

  // ------------------------------------------------------------------------------ the tests

  @Test
  void eachHookKindFiresOncePerNewInboxRowAndNeverForADuplicateDelivery() throws Exception {
    for (String name : List.of("on-message", "on-dm", "on-mention", "on-topic-news", "on-startup")) {
      hook(name, RECORD);
    }
    hooksToml("[on-message]\n[on-dm]\n[on-mention]\n[on-topic-news]\n[on-startup]\n");
    startDaemons();
    bob.peer().subscribe("news");
    loseBobsAcks.set(true); // every push to bob is delivered again after the 300 ms lease

    String bobPub = bob.peer().memberPubkey();
    aliceSends(bobPub, "hello @bob", "m-1", null);
    aliceSends(bobPub, "plain", "m-2", null);
    aliceSends("#news", "headline", "m-3", null);
    aliceSends("*", "everyone", "m-4", null);
    await("bob stored 4 rows and refused redeliveries of each",
        () -> inboxSize(bob) == 4 && bob.peer().inbound().duplicateCount() >= 8);
    loseBobsAcks.set(false);
    await("every delivery to bob acknowledged", () -> openDeliveries(bob) == 0);
    await("9 runs ended", () -> hookRuns().size() >= 9 && bob.hooks().running() == 0
        && bob.hooks().queued() == 0);

    Map<String, List<String>> seen = new TreeMap<>();
    for (Path file : outFiles(".json")) {
      String name = file.getFileName().toString();
      String hook = name.substring(0, name.indexOf('.'));
      seen.computeIfAbsent(hook, k -> new ArrayList<>())
          .add(hook.equals("on-startup") ? "-" : clientMessageId(Files.readString(file)));
    }
    Map<String, List<String>> expected = new TreeMap<>(Map.of(
        "on-message", List.of("m-1", "m-2", "m-3", "m-4"),
        "on-dm", List.of("m-1", "m-2"),
        "on-mention", List.of("m-1"),
        "on-topic-news", List.of("m-3"),
        "on-startup", List.of("-")));
    seen.values().forEach(ids -> ids.sort(null));
    assertEquals(expected, seen);
    assertEquals(9, hookRuns().size(), hookRuns().toString());
    assertTrue(hookRuns().stream().allMatch(e -> "ok".equals(e.data().get("outcome"))));

    // the environment is exactly §9's (the shell adds PWD itself), no token without a scope
    for (Path file : outFiles(".env")) {
      Set<String> names = new TreeSet<>();
      for (String line : Files.readAllLines(file)) {
        if (line.contains("=")) {
          names.add(line.substring(0, line.indexOf('=')));
        }
      }
      names.removeAll(Set.of("PWD", "SHLVL", "_", "OLDPWD"));
      assertEquals(new TreeSet<>(Set.of("CLAUDEMESH_MESH", "CLAUDEMESH_HOOK_NAME",
          "CLAUDEMESH_EVENT_ID", "CLAUDEMESH_DAEMON_SOCK", "PATH")), names, file.toString());
      assertTrue(Files.readAllLines(file).contains("PATH=/usr/bin:/bin"));
    }
    // one audit line per run, with its fields as key-value pairs
    List<ILoggingEvent> audit = logs.list.stream()
        .filter(e -> e.getLoggerName().equals(HookManager.AUDIT_LOGGER))
        .collect(Collectors.toList());
    assertEquals(9, audit.size());
    for (ILoggingEvent e : audit) {
      Set<String> keys = e.getKeyValuePairs().stream().map(kv -> kv.key).collect(Collectors.toSet());
      assertTrue(keys.containsAll(Set.of("hook", "event_id", "outcome", "exit_code",
          "duration_ms", "network")), keys.toString());
      assertFalse(e.getKeyValuePairs().toString().contains("hello @bob"), "no bodies in the audit");
    }
  }

  @Test
  void aScopedTokenSendsWhereItMayAndIsDeadOnceItsHookHasExited() throws Exception {
    String elsewhere = "ef".repeat(32);
    String curl = "curl -s -o /dev/null -w '%{http_code}' --unix-socket \"$CLAUDEMESH_DAEMON_SOCK\""
        + " -H \"Authorization: Bearer $CLAUDEMESH_CAPABILITY_TOKEN\""
        + " -H 'Content-Type: application/json'";
    hook("on-dm", "cat > /dev/null\n"
        + "a=$(" + curl + " -d '{\"to\":\"ALICE\",\"message\":\"pong from on-dm\"}'"
        + " http://localhost/v1/send)\n"
        + "b=$(" + curl + " -d '{\"to\":\"" + elsewhere + "\",\"message\":\"x\"}'"
        + " http://localhost/v1/send)\n"
        + "c=$(" + curl + " http://localhost/v1/inbox)\n"
        + "d=$(" + curl + " -d '{\"topic\":\"news\",\"message\":\"x\"}' http://localhost/v1/topic/post)\n"
        + "echo \"$a $b $c $d\" > \"$OUT/dm.codes\"\n"
        + "printf '%s' \"$CLAUDEMESH_CAPABILITY_TOKEN\" > \"$OUT/dm.token\"");
    hook("on-message", "id=$(sed -n 's/.*\"client_message_id\":\"\\([^\"]*\\)\".*/\\1/p')\n"
        + "a=$(" + curl + " -d '{\"to\":\"ALICE\",\"message\":\"no reply_to_id\"}'"
        + " http://localhost/v1/send)\n"
        + "b=$(" + curl + " -d '{\"to\":\"ALICE\",\"message\":\"pong from on-message\","
        + "\"reply_to_id\":\"'\"$id\"'\"}' http://localhost/v1/send)\n"
        + "echo \"$a $b\" > \"$OUT/message.codes\"\n"
        + "printf '%s' \"$CLAUDEMESH_CAPABILITY_TOKEN\" > \"$OUT/message.token\"");
    // network_policy "deny" (the default) cuts the network, not the daemon's Unix socket
    hooksToml("[on-dm]\nallow_reply = true\ncapability_token_scope = [\"dm:send:<sender>\"]\n"
        + "[on-message]\nallow_reply = true\n");
    startDaemons();
    for (String name : List.of("on-dm", "on-message")) {
      Path file = hooksDir("bob").resolve(name);
      Files.writeString(file, Files.readString(file).replace("ALICE", alicePub()));
    }

    aliceSends(bob.peer().memberPubkey(), "ping", "m-ping", null);
    await("both hooks ran", () -> hookRuns().size() >= 2 && bob.hooks().running() == 0);
    assertEquals("202 403 403 403", Files.readString(out.resolve("dm.codes")).strip(),
        "dm:send:<sender>: the sender yes; anyone else, a read, a topic post: 403");
    assertEquals("403 202", Files.readString(out.resolve("message.codes")).strip(),
        "reply:event needs the event's id in reply_to_id");
    await("alice got both replies", () -> inboxSize(alice) == 2);
    List<String> replies = new ArrayList<>();
    for (var m : alice.peer().inbox(InboxQuery.newest()).messages()) {
      replies.add(m.body().orElse(""));
      if (m.body().orElse("").equals("pong from on-message")) {
        assertEquals("m-ping", m.replyToId().orElse(null));
      }
    }
    replies.sort(null);
    assertEquals(List.of("pong from on-dm", "pong from on-message"), replies);

    for (String which : List.of("dm", "message")) {
      String token = Files.readString(out.resolve(which + ".token"));
      assertEquals(43, token.length(), "a token was handed to the " + which + " hook");
      String after = overSocket(DaemonPaths.resolve(env, "bob").socket(), "POST", "/v1/send",
          token, "{\"to\":\"" + alicePub() + "\",\"message\":\"late\"}");
      assertTrue(after.startsWith("401 "), after);
    }
    assertEquals(0, alice.peer().inbox(InboxQuery.newest()).messages().stream()
        .filter(m -> m.body().orElse("").equals("late")).count());
  }

  @Test
  void redactedPathsNeverReachStdinAndOversizeEventsArriveTruncated() throws Exception {
    hook("on-dm", RECORD);
    hook("on-message", RECORD);
    hooksToml("[on-dm]\nredact_payload = [\"$.meta.secret\", \"$..token\"]\n[on-message]\n");
    startDaemons();
    String bobPub = bob.peer().memberPubkey();
    aliceSends(bobPub, "with secrets", "m-secret",
        Map.of("secret", "S3CRET-ONE", "nested", Map.of("token", "S3CRET-TWO"), "keep", "visible"));
    aliceSends(bobPub, "x".repeat(600 * 1024), "m-big", null);
    await("4 runs", () -> hookRuns().size() >= 4 && bob.hooks().running() == 0);

    Map<String, String> byHookAndId = new HashMap<>();
    for (Path file : outFiles(".json")) {
      String text = Files.readString(file);
      String name = file.getFileName().toString();
      byHookAndId.put(name.substring(0, name.indexOf('.')) + " " + clientMessageId(text), text);
    }
    String redacted = byHookAndId.get("on-dm m-secret");
    assertFalse(redacted.contains("S3CRET"), redacted);
    assertTrue(redacted.contains("visible") && redacted.contains("[redacted]"), redacted);
    assertTrue(byHookAndId.get("on-message m-secret").contains("S3CRET-ONE"),
        "the hook without redact_payload sees the meta: the check above can fail");

    for (String hook : List.of("on-dm", "on-message")) {
      byte[] big = byHookAndId.get(hook + " m-big").getBytes(StandardCharsets.UTF_8);
      assertTrue(big.length <= HookPayload.MAX_BYTES, hook + ": " + big.length);
      String text = new String(big, StandardCharsets.UTF_8);
      assertTrue(text.contains("\"_truncated\":true"), hook);
      assertTrue(text.contains("\"client_message_id\":\"m-big\""), hook);
    }
  }

  @Test
  void slowAndFailingHooksNeverDelayInboxCommitsAcksOrTheDrain() throws Exception {
    int n = 40;
    hook("on-message", "cat > /dev/null\nwhile [ ! -f \"$OUT/release\" ]; do sleep 0.5; done\n"
        + "touch \"$OUT/done.$CLAUDEMESH_EVENT_ID\"");
    hook("on-dm", "cat > /dev/null\nexit 1");
    startDaemons(); // no hooks.toml yet: the baseline runs no hook
    String bobPub = bob.peer().memberPubkey();

    long baseline = deliver(n, "base-", bobPub);
    assertEquals(0, hookRuns().size());

    hooksToml("[on-message]\ntimeout_s = 300\n[on-dm]\n");
    bob.hooks().reload();
    long blocked = deliver(n, "slow-", bobPub);
    // every row committed, acknowledged and drained while all 8 runners are held by a hook
    assertEquals(HookManager.POOL_SIZE, bob.hooks().running());
    assertTrue(outFiles("").stream().noneMatch(p -> p.getFileName().toString().startsWith("done.")));
    System.out.printf("hooks: %d DMs stored, acked and drained in %d ms with no hooks, %d ms with"
        + " every hook runner blocked (%d runs waiting)%n", n, baseline, blocked,
        bob.hooks().queued());

    Files.createFile(out.resolve("release"));
    await("all " + 2 * n + " runs ended", () -> hookRuns().size() >= 2 * n);
    Map<Object, Long> outcomes = hookRuns().stream().collect(Collectors.groupingBy(
        e -> e.data().get("hook") + " " + e.data().get("outcome"), Collectors.counting()));
    assertEquals(Map.of("on-message ok", (long) n, "on-dm failed", (long) n), outcomes);
  }

  /** Sends {@code n} DMs to bob; the milliseconds until all are stored, acked and drained. */
  private long deliver(int n, String prefix, String to) throws Exception {
    int before = inboxSize(bob);
    long doneBefore = outboxDone(alice);
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      aliceSends(to, "dm " + i, prefix + i, null);
    }
    await(n + " DMs stored, acked and drained", () -> inboxSize(bob) == before + n
        && openDeliveries(bob) == 0 && outboxDone(alice) == doneBefore + n);
    return (System.nanoTime() - start) / 1_000_000;
  }

  @Test
  void aTimedOutHookLeavesNoProcessBehind() throws Exception {
    hook("on-dm", "cat > /dev/null\nsleep 1000 &\necho $! > \"$OUT/child.pid\"\n"
        + "( sleep 1001 & echo $! > \"$OUT/grandchild.pid\" ) &\nsleep 1000");
    hooksToml("[on-dm]\ntimeout_s = 1\n");
    startDaemons();
    aliceSends(bob.peer().memberPubkey(), "slow", "m-slow", null);
    await("the run ended", () -> hookRuns().size() >= 1);
    assertEquals("timed_out", hookRuns().get(0).data().get("outcome"));
    for (String file : List.of("child.pid", "grandchild.pid")) {
      long pid = Long.parseLong(Files.readString(out.resolve(file)).strip());
      await(file + " " + pid + " gone", () -> ProcessHandle.of(pid).map(p -> !p.isAlive())
          .orElse(true));
    }
  }

  @Test
  void withoutHooksTomlNoHookRunsAndOneLineSaysWhy() throws Exception {
    hook("on-message", RECORD);
    hook("on-startup", RECORD);
    startDaemons();
    aliceSends(bob.peer().memberPubkey(), "hi", "m-1", null);
    await("stored", () -> inboxSize(bob) == 1);
    Thread.sleep(1000); // a hook that ran would have written its file by now
    assertEquals(List.of(), outFiles(".json"));
    assertEquals(0, hookRuns().size());
    List<String> why = logs.list.stream().map(ILoggingEvent::getFormattedMessage)
        .filter(m -> m.contains("no hooks.toml") && m.contains(hooksDir("bob").toString()))
        .collect(Collectors.toList());
    assertEquals(1, why.size(), why.toString());
    assertTrue(why.get(0).contains("no hook runs"), why.get(0));

    // the control: the same hook runs once the file exists
    hooksToml("[on-message]\n");
    assertEquals(java.util.Optional.of("hooks.toml (enabled: on-message)"), bob.hooks().reload(),
        "what claudemesh daemon reload shows");
    aliceSends(bob.peer().memberPubkey(), "again", "m-2", null);
    await("the hook ran", () -> hookRuns().size() == 1);
    assertEquals(1, outFiles(".json").size());
  }

  @Test
  void inCiHooksAreOffUnlessConfigTurnsThemOn() throws Exception {
    hook("on-message", RECORD);
    hooksToml("[on-message]\n");
    Files.writeString(DaemonPaths.resolve(env, "bob").configToml(), ""); // the default for CI
    Map<String, String> ci = new HashMap<>(env);
    ci.put("CI", "true");
    startDaemons(ci);
    assertFalse(bob.hooks().enabled());
    aliceSends(bob.peer().memberPubkey(), "hi", "m-1", null);
    await("stored", () -> inboxSize(bob) == 1);
    Thread.sleep(1000); // a hook that ran would have written its file by now
    assertEquals(List.of(), outFiles(".json"));
    assertTrue(logs.list.stream().anyMatch(e -> e.getFormattedMessage().startsWith("hooks are off")));
  }

  @Test
  void preSendIsTheLastGateOfEverySend() throws Exception {
    hook("pre-send", "in=$(cat)\necho \"$CLAUDEMESH_EVENT_ID\" >> \"$OUT/pre-send.runs\"\n"
        + "case \"$in\" in *forbidden*) echo 'policy: no forbidden words'; exit 3;; esac\nexit 0");
    hooksToml("[pre-send]\n");
    startDaemons();
    Path socket = DaemonPaths.resolve(env, "bob").socket();
    String refused = overSocketWithKey(socket, "k-bad", "this is forbidden");
    assertTrue(refused.startsWith("403 "), refused);
    assertTrue(refused.contains("pre_send_rejected") && refused.contains("policy: no forbidden words"),
        refused);
    assertTrue(bob.peer().outbox().find("k-bad").isEmpty(), "a refused send writes nothing");

    assertTrue(overSocketWithKey(socket, "k-ok", "fine").startsWith("202 "));
    await("alice got it", () -> inboxSize(alice) == 1);
    String retry = overSocketWithKey(socket, "k-ok", "fine");
    assertTrue(retry.startsWith("200 ") || retry.startsWith("202 "), retry);
    assertEquals(List.of("k-bad", "k-ok"), Files.readAllLines(out.resolve("pre-send.runs")),
        "a retry of an accepted send is answered by the outbox, not the hook");
  }

  @Test
  void aPreSendThatCannotBeReadKeepsSendsShutAndAMissingHookIsAuditedNotStarted() throws Exception {
    hook("pre-send", "cat > /dev/null\nexit 0");
    hooksToml("[pre-send]\ntimeout_s = 0\n"); // invalid from the start
    startDaemons();
    Path socket = DaemonPaths.resolve(env, "bob").socket();
    String shut = overSocketWithKey(socket, "k-1", "hello");
    assertTrue(shut.startsWith("403 ") && shut.contains("pre_send_rejected"), shut);

    hooksToml("[pre-send]\n[on-dm]\n"); // valid; on-dm has no file
    bob.hooks().reload();
    assertTrue(overSocketWithKey(socket, "k-2", "hello").startsWith("202 "));
    hooksToml("[pre-send]\nnetwork_policy = \"sometimes\"\n"); // invalid again
    bob.hooks().reload();
    assertTrue(overSocketWithKey(socket, "k-3", "hello").startsWith("202 "),
        "an invalid file on reload keeps the policies read before");

    alice.peer().send(SendRequest.builder(bob.peer().memberPubkey(), "to on-dm")
        .clientMessageId("m-1").build());
    await("the missing on-dm was audited", () -> hookRuns().stream()
        .anyMatch(e -> "on-dm".equals(e.data().get("hook"))));
    assertTrue(hookRuns().stream().filter(e -> "on-dm".equals(e.data().get("hook")))
        .allMatch(e -> "not_started".equals(e.data().get("outcome"))));
  }

  private String overSocketWithKey(Path socket, String key, String message) throws IOException {
    return overSocket(socket, "POST", "/v1/send", null,
        "{\"to\":\"" + alicePub() + "\",\"message\":\"" + message + "\"}",
        "Idempotency-Key: " + key);
  }
}
