package dev.claudemesh.benchmarks;

import dev.claudemesh.core.Peer;
import dev.claudemesh.core.SendRequest;
import dev.claudemesh.core.events.EventBus;
import dev.claudemesh.core.events.EventKinds;
import dev.claudemesh.core.events.PeerEvent;
import dev.claudemesh.core.protocol.Frames;
import dev.claudemesh.core.protocol.Push;
import dev.claudemesh.core.store.AcceptResult;
import dev.claudemesh.testing.MeshHarness;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;

/**
 * One end-to-end run on loopback: DM throughput and latency from peer A to peer B through the
 * in-process reference broker (real SQLite files, real sockets, real crypto), beside a raw
 * WebSocket echo through the same Jetty server ({@code /echo}).
 *
 * <ul>
 *   <li><b>DM throughput</b>: A sends {@code --messages} DMs from {@code --sender-threads} threads as
 *       fast as {@link Peer#send} accepts them; the clock stops when B has published a {@code
 *       message} event for every one of them.
 *   <li><b>DM latency</b>: A sends {@code --latency-messages} DMs open loop at {@code --rate} per
 *       second; each one is timed from {@code send} returning (accepted, durable in A's outbox) to
 *       B's {@code message} event (B's inbox committed, {@code client_ack} sent).
 *   <li><b>Echo</b>: an OkHttp WebSocket client sends frames the size of B's push frame to {@code
 *       /echo}, pipelined for throughput, and open loop at the same rate for round-trip times.
 * </ul>
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.claudemesh.benchmarks.EndToEndBenchmark
 * [--messages N] [--warmup N] [--body-bytes N] [--rate N] [--latency-messages N] [--sender-threads N]}.
 */
public final class EndToEndBenchmark {
  private static final String THROUGHPUT = "t";
  private static final String WARMUP = "w";
  private static final String LATENCY = "l";

  private int messages = 20_000;
  private int warmup = 5_000;
  private int bodyBytes = 256;
  private int rate = 500;
  private int latencyMessages = 5_000;
  private int senderThreads = 32;
  private int echoWindow = 256;

  private final ConcurrentHashMap<String, Phase> phases = new ConcurrentHashMap<>();

  /** The receive side of one phase: event times indexed by message number. */
  private static final class Phase {
    final long[] receivedAt;
    final CountDownLatch all;

    Phase(int n) {
      receivedAt = new long[n];
      all = new CountDownLatch(n);
    }
  }

  public static void main(String[] args) throws Exception {
    EndToEndBenchmark b = new EndToEndBenchmark();
    b.parse(args);
    b.run(args);
    System.exit(0); // OkHttp's and the harness's idle threads would otherwise keep the JVM a while
  }

  private void parse(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (flag.equals("--help") || flag.equals("-h")) {
        System.out.println("usage: EndToEndBenchmark [--messages N] [--warmup N] [--body-bytes N] [--rate N]"
            + " [--latency-messages N] [--sender-threads N] [--echo-window N]");
        System.exit(0);
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      int value = Integer.parseInt(args[++i]);
      if (value < 1) {
        throw new IllegalArgumentException(flag + " must be at least 1, got " + value);
      }
      switch (flag) {
        case "--messages" -> messages = value;
        case "--warmup" -> warmup = value;
        case "--body-bytes" -> bodyBytes = value;
        case "--rate" -> rate = value;
        case "--latency-messages" -> latencyMessages = value;
        case "--sender-threads" -> senderThreads = value;
        case "--echo-window" -> echoWindow = value;
        default -> throw new IllegalArgumentException("unknown option " + flag);
      }
    }
  }

  private void run(String[] args) throws Exception {
    Path root = Files.createTempDirectory("claudemesh-e2e-");
    String body = "x".repeat(bodyBytes);
    Result dm;
    Result echo;
    long duplicates;
    long retries;
    long dropped;
    try (MeshHarness mesh = MeshHarness.builder(root)
        .broker(b -> b.rateLimit(Integer.MAX_VALUE, Duration.ofMinutes(1)).echoEndpointForBenchmarks(true))
        .start()) {
      Peer alice = mesh.peer("alice");
      Peer bob = mesh.peer("bob");
      try (EventBus.Subscription ignored = bob.events(this::onEvent)) {
        log("warmup: %,d DMs", warmup);
        throughput(alice, bob.memberPubkey(), body, WARMUP, warmup);
        log("throughput: %,d DMs from %d sender threads", messages, senderThreads);
        double perSecond = throughput(alice, bob.memberPubkey(), body, THROUGHPUT, messages);
        log("latency: %,d DMs open loop at %,d/s", latencyMessages, rate);
        long[] latencies = latency(alice, bob.memberPubkey(), body);
        dm = new Result(perSecond, latencies);
      }
      duplicates = bob.inbound().duplicateCount();
      retries = alice.drain().retryCount();
      dropped = bob.connection().droppedPushes();
      int frameChars = pushFrameChars(bodyBytes);
      log("echo: frames of %,d chars (the size of B's push frame)", frameChars);
      echo = echo(mesh.broker().echoUrl(), frameChars);
    } finally {
      TempDirs.deleteRecursively(root);
    }
    report(args, dm, echo, duplicates, retries, dropped);
  }

  // ------------------------------------------------------------------------------- DM phases

  private void onEvent(PeerEvent event) {
    if (!EventKinds.MESSAGE.equals(event.kind())) {
      return;
    }
    long now = System.nanoTime();
    Object id = event.data().get("client_message_id");
    if (!(id instanceof String)) {
      return;
    }
    String key = (String) id;
    int dash = key.indexOf('-');
    Phase phase = phases.get(key.substring(0, dash));
    if (phase == null) {
      return;
    }
    int index = Integer.parseInt(key, dash + 1, key.length(), 10);
    phase.receivedAt[index] = now;
    phase.all.countDown();
  }

  /** Sends {@code n} DMs as fast as they are accepted; returns messages per second received by B. */
  private double throughput(Peer alice, String to, String body, String tag, int n) throws Exception {
    Phase phase = new Phase(n);
    phases.put(tag, phase);
    AtomicInteger next = new AtomicInteger();
    ExecutorService senders = Executors.newFixedThreadPool(senderThreads);
    long start = System.nanoTime();
    List<Future<?>> running = new ArrayList<>();
    for (int t = 0; t < senderThreads; t++) {
      running.add(senders.submit(() -> {
        for (int i; (i = next.getAndIncrement()) < n; ) {
          send(alice, to, body, tag, i);
        }
        return null;
      }));
    }
    for (Future<?> f : running) {
      f.get();
    }
    long accepted = System.nanoTime();
    senders.shutdown();
    await(phase, n, tag);
    long end = System.nanoTime();
    double acceptRate = n / seconds(accepted - start);
    double perSecond = n / seconds(end - start);
    log("  accepted in %.2f s (%,.0f/s), all received in %.2f s (%,.0f/s)", seconds(accepted - start), acceptRate,
        seconds(end - start), perSecond);
    return perSecond;
  }

  /** Open loop at {@code rate}: message i is sent at start + i/rate, whatever happened before. */
  private long[] latency(Peer alice, String to, String body) throws Exception {
    int n = latencyMessages;
    Phase phase = new Phase(n);
    phases.put(LATENCY, phase);
    long[] acceptedAt = new long[n];
    long interval = TimeUnit.SECONDS.toNanos(1) / rate;
    int threads = 4; // a send waits for its group commit; a few threads keep the schedule when one is slow
    ExecutorService senders = Executors.newFixedThreadPool(threads);
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
    List<Future<?>> running = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int first = t;
      running.add(senders.submit(() -> {
        for (int i = first; i < n; i += threads) {
          parkUntil(start + i * interval);
          send(alice, to, body, LATENCY, i);
          acceptedAt[i] = System.nanoTime();
        }
        return null;
      }));
    }
    for (Future<?> f : running) {
      f.get();
    }
    senders.shutdown();
    await(phase, n, LATENCY);
    long[] latencies = new long[n];
    for (int i = 0; i < n; i++) {
      latencies[i] = Math.max(0, phase.receivedAt[i] - acceptedAt[i]);
    }
    return latencies;
  }

  private static void send(Peer alice, String to, String body, String tag, int i) throws Exception {
    AcceptResult result = alice.send(SendRequest.builder(to, body).idempotencyKey(tag + "-" + i).build());
    if (result.kind() != AcceptResult.Kind.QUEUED) {
      throw new IllegalStateException("send " + tag + "-" + i + " was not queued: " + result.kind());
    }
  }

  private static void await(Phase phase, int n, String tag) throws InterruptedException {
    if (!phase.all.await(10, TimeUnit.MINUTES)) {
      throw new IllegalStateException("B received only " + (n - phase.all.getCount()) + " of " + n + " DMs ("
          + tag + ") within 10 minutes");
    }
  }

  // ------------------------------------------------------------------------------------- echo

  private Result echo(String url, int frameChars) throws Exception {
    OkHttpClient http = new OkHttpClient();
    try {
      int warm = Math.min(warmup, 5_000);
      pipelined(http, url, frameChars, warm);
      long elapsed = pipelined(http, url, frameChars, messages);
      double perSecond = messages / seconds(elapsed);
      log("  pipelined: %,d frames in %.2f s (%,.0f/s)", messages, seconds(elapsed), perSecond);
      return new Result(perSecond, roundTrips(http, url, frameChars));
    } finally {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }

  /** Sends {@code n} frames with at most {@code echoWindow} unanswered; returns the nanoseconds taken. */
  private long pipelined(OkHttpClient http, String url, int frameChars, int n) throws Exception {
    Semaphore window = new Semaphore(echoWindow);
    CountDownLatch all = new CountDownLatch(n);
    EchoSocket socket = EchoSocket.open(http, url, text -> {
      window.release();
      all.countDown();
    });
    String frame = frame(frameChars);
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      window.acquire();
      socket.send(frame);
    }
    if (!all.await(5, TimeUnit.MINUTES)) {
      throw new IllegalStateException("echo answered only " + (n - all.getCount()) + " of " + n + " frames");
    }
    long elapsed = System.nanoTime() - start;
    socket.close();
    return elapsed;
  }

  /** Open loop at {@code rate}; frames come back in order, so the i-th answer is frame i's. */
  private long[] roundTrips(OkHttpClient http, String url, int frameChars) throws Exception {
    int n = latencyMessages;
    long[] sentAt = new long[n];
    long[] heardAt = new long[n];
    AtomicInteger heard = new AtomicInteger();
    CountDownLatch all = new CountDownLatch(n);
    EchoSocket socket = EchoSocket.open(http, url, text -> {
      heardAt[heard.getAndIncrement()] = System.nanoTime();
      all.countDown();
    });
    String frame = frame(frameChars);
    long interval = TimeUnit.SECONDS.toNanos(1) / rate;
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
    for (int i = 0; i < n; i++) {
      parkUntil(start + i * interval);
      sentAt[i] = System.nanoTime();
      socket.send(frame);
    }
    if (!all.await(5, TimeUnit.MINUTES)) {
      throw new IllegalStateException("echo answered only " + (n - all.getCount()) + " of " + n + " frames");
    }
    socket.close();
    long[] rtt = new long[n];
    for (int i = 0; i < n; i++) {
      rtt[i] = heardAt[i] - sentAt[i];
    }
    return rtt;
  }

  /** One OkHttp WebSocket to the echo endpoint, open once {@link #open} returns. */
  private static final class EchoSocket {
    private final WebSocket ws;
    private final CountDownLatch closed = new CountDownLatch(1);

    private EchoSocket(OkHttpClient http, String url, java.util.function.Consumer<String> onText,
        CountDownLatch opened, AtomicReference<Throwable> failed) {
      this.ws = http.newWebSocket(new Request.Builder().url(url).build(), new WebSocketListener() {
        @Override
        public void onOpen(WebSocket webSocket, okhttp3.Response response) {
          opened.countDown();
        }

        @Override
        public void onMessage(WebSocket webSocket, String text) {
          onText.accept(text);
        }

        @Override
        public void onClosing(WebSocket webSocket, int code, String reason) {
          webSocket.close(1000, null);
        }

        @Override
        public void onClosed(WebSocket webSocket, int code, String reason) {
          closed.countDown();
        }

        @Override
        public void onFailure(WebSocket webSocket, Throwable t, okhttp3.Response response) {
          failed.set(t);
          opened.countDown();
          closed.countDown();
        }
      });
    }

    static EchoSocket open(OkHttpClient http, String url, java.util.function.Consumer<String> onText)
        throws Exception {
      CountDownLatch opened = new CountDownLatch(1);
      AtomicReference<Throwable> failed = new AtomicReference<>();
      EchoSocket socket = new EchoSocket(http, url, onText, opened, failed);
      if (!opened.await(10, TimeUnit.SECONDS) || failed.get() != null) {
        throw new IOException("cannot open " + url, failed.get());
      }
      return socket;
    }

    void send(String text) {
      if (!ws.send(text)) {
        throw new IllegalStateException("the echo socket refused a frame (closed or its queue is full)");
      }
    }

    void close() throws InterruptedException {
      ws.close(1000, null);
      closed.await(5, TimeUnit.SECONDS);
    }
  }

  /** Characters of the push frame B receives for a DM of {@code bodyBytes} (field sizes as on the wire). */
  static int pushFrameChars(int bodyBytes) {
    String hex = "ab".repeat(32);
    String ulid = "01JD0000000000000000000000";
    Push push = new Push("msg_" + ulid, "mesh_" + ulid, hex, hex, "mem_" + ulid, "alice", null, null, "next",
        Base64.getEncoder().encodeToString(new byte[24]), Base64.getEncoder().encodeToString(new byte[bodyBytes + 16]),
        System.currentTimeMillis(), null, "t-12345", "dlv_" + ulid, null, null, null);
    return Frames.encode(push).length();
  }

  private static String frame(int chars) {
    return "{\"type\":\"echo\",\"pad\":\"" + "y".repeat(Math.max(0, chars - 25)) + "\"}";
  }

  // ------------------------------------------------------------------------------------ report

  private record Result(double perSecond, long[] latencyNanos) {
    long percentile(double p) {
      long[] sorted = latencyNanos.clone();
      Arrays.sort(sorted);
      int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
  }

  private void report(String[] args, Result dm, Result echo, long duplicates, long retries, long dropped) {
    List<String> jvm = ManagementFactory.getRuntimeMXBean().getInputArguments();
    StringBuilder command = new StringBuilder("java");
    for (String a : jvm) {
      command.append(' ').append(a);
    }
    command.append(" -cp benchmarks/target/benchmarks.jar ").append(EndToEndBenchmark.class.getName());
    for (String a : args) {
      command.append(' ').append(a);
    }
    StringBuilder out = new StringBuilder();
    out.append('\n');
    out.append(String.format(Locale.ROOT, "cores: %d, java %s (%s), %s %s%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
        System.getProperty("java.vm.name"), System.getProperty("os.name"), System.getProperty("os.arch")));
    out.append("command: ").append(command).append('\n');
    out.append(String.format(Locale.ROOT,
        "DMs: %,d throughput after %,d warmup, %d sender threads; latency: %,d open loop at %,d/s; body %,d bytes%n",
        messages, warmup, senderThreads, latencyMessages, rate, bodyBytes));
    out.append('\n');
    out.append(String.format(Locale.ROOT, "| %-28s | %12s | %8s | %8s | %8s | %8s |%n", "", "msgs/s", "p50 ms",
        "p90 ms", "p99 ms", "max ms"));
    out.append("|------------------------------|--------------|----------|----------|----------|----------|\n");
    row(out, "DM A→B through the broker", dm);
    row(out, "raw WebSocket echo (/echo)", echo);
    out.append(String.format(Locale.ROOT, "| %-28s | %12.3f | %8.1f | %8.1f | %8.1f | %8s |%n", "ratio DM / echo",
        dm.perSecond() / echo.perSecond(), ratio(dm, echo, 50), ratio(dm, echo, 90), ratio(dm, echo, 99), ""));
    out.append('\n');
    out.append("DM latency: from Peer.send returning (durable in A's outbox) to B's message event (B's inbox\n"
        + "committed, client_ack sent). Echo latency: round trip of one frame. Throughput: DMs received by B\n"
        + "per second while A sends as fast as sends are accepted; echo frames answered per second, pipelined.\n");
    out.append(String.format(Locale.ROOT, "redeliveries seen by B: %d, sends A retried: %d, pushes B dropped"
        + " (listener queue full; the broker redelivers them after its 30 s lease): %d%n", duplicates, retries,
        dropped));
    System.out.print(out);
  }

  private static void row(StringBuilder out, String name, Result r) {
    out.append(String.format(Locale.ROOT, "| %-28s | %,12.0f | %8.3f | %8.3f | %8.3f | %8.3f |%n", name,
        r.perSecond(), millis(r.percentile(50)), millis(r.percentile(90)), millis(r.percentile(99)),
        millis(r.percentile(100))));
  }

  private static double ratio(Result dm, Result echo, double p) {
    return (double) dm.percentile(p) / Math.max(1, echo.percentile(p));
  }

  private static double millis(long nanos) {
    return nanos / 1e6;
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static void parkUntil(long deadline) {
    for (long left; (left = deadline - System.nanoTime()) > 0; ) {
      LockSupport.parkNanos(left);
    }
  }

  private static void log(String format, Object... args) {
    System.out.println(String.format(Locale.ROOT, format, args));
  }
}
