package dev.claudemesh.benchmarks;

import dev.claudemesh.api.Routes;
import dev.claudemesh.core.Peer;
import dev.claudemesh.core.events.EventBus;
import dev.claudemesh.core.events.EventKinds;
import dev.claudemesh.core.identity.DaemonPaths;
import dev.claudemesh.core.identity.LocalTokens;
import dev.claudemesh.core.store.AcceptResult;
import dev.claudemesh.daemon.ipc.IpcServer;
import dev.claudemesh.core.protocol.FeatureNegotiation;
import dev.claudemesh.daemon.ipc.PeerPorts;
import dev.claudemesh.testing.MeshHarness;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Latency and throughput of the daemon's local API (SPEC §3) over its two transports: {@code
 * POST /v1/send} beside {@code GET /v1/_noop} (the same server, connectors and guard, a handler
 * that does nothing) in one run, at 1 and 64 concurrent clients, over the Unix socket and over
 * loopback TCP with a bearer token.
 *
 * <p>A {@link MeshHarness} runs the reference broker and peers alice and bob; an {@link IpcServer}
 * serves alice from its own daemon directory, wired as {@code DaemonRuntime} wires it plus the no-op
 * route, with the per-caller rate limit lifted (SPEC §3.2's 100/s would cap one caller, and every
 * client of one transport is one caller), and so is the broker's per-member send limit, so that
 * alice's outbox drains between phases. Every send is a DM from alice to bob's pubkey with a
 * fresh {@code Idempotency-Key}, so each one is a new outbox row. Clients are closed loop: each
 * sends its next request as soon as the previous one is answered, over a kept-alive connection of
 * one Jetty {@link HttpClient} per transport. Rows {@code core} call {@link Peer#send} in process
 * with the same DM: the outbox accept without HTTP. A warm-up pass runs every cell once first (else
 * whatever runs first meets a colder JIT); then each cell warms up again and is measured; after each
 * send cell the run waits until bob has every accepted DM, so no cell runs beside another's backlog.
 * Any answer but 202 to a send or 200 to the no-op (429s included) fails the run (exit code 1).
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.claudemesh.benchmarks.DaemonIpcBenchmark
 * [--seconds N] [--warmup-seconds N] [--body-bytes N] [--clients N,N] [--transports uds,tcp]} (the
 * transports run in the order given).
 */
public final class DaemonIpcBenchmark {
  private int seconds = 10;
  private int warmupSeconds = 3;
  private int bodyBytes = 64;
  private int[] clientCounts = {1, 64};
  private List<Via> transports = List.of(Via.UDS, Via.TCP);

  private final AtomicLong keys = new AtomicLong();
  private final AtomicLong bobReceived = new AtomicLong();
  /** Sends answered 202 so far, warm-ups included: bob receives each of them once. */
  private final AtomicLong sendsAccepted = new AtomicLong();
  private String runId = "";
  private String loadAtStart = "n/a";

  enum Via {
    UDS,
    TCP,
    /** {@link Peer#send} called in process: the outbox accept alone, no HTTP. */
    CORE
  }

  enum Route {
    SEND,
    NOOP,
    /** {@code POST /v1/send} with the broker stopped: the accept path alone, nothing downstream. */
    SEND_OFFLINE
  }

  /** One measured cell: latencies of the requests answered with the expected status, plus the rest. */
  record Cell(Via via, int clients, Route route, long requests, double perSecond, long[] sortedNanos,
      Map<Integer, Long> unexpected, long busy, long rateLimited) {
    long percentile(double p) {
      if (sortedNanos.length == 0) {
        return 0;
      }
      int index = (int) Math.ceil(p / 100.0 * sortedNanos.length) - 1;
      return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, index))];
    }

    long failures() {
      return unexpected.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** What the clients of one phase saw, merged. */
  private static final class Tally {
    long[] nanos = new long[1 << 16];
    int count;
    final Map<Integer, Long> unexpected = new TreeMap<>();
    long busy;
    long rateLimited;

    void add(long latency) {
      if (count == nanos.length) {
        nanos = Arrays.copyOf(nanos, nanos.length * 2);
      }
      nanos[count++] = latency;
    }

    synchronized void merge(Tally other) {
      for (int i = 0; i < other.count; i++) {
        add(other.nanos[i]);
      }
      other.unexpected.forEach((status, n) -> unexpected.merge(status, n, Long::sum));
      busy += other.busy;
      rateLimited += other.rateLimited;
    }
  }

  public static void main(String[] args) throws Exception {
    DaemonIpcBenchmark b = new DaemonIpcBenchmark();
    b.parse(args);
    int failed = b.run(args);
    System.exit(failed == 0 ? 0 : 1);
  }

  private void parse(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (flag.equals("--help") || flag.equals("-h")) {
        System.out.println("usage: DaemonIpcBenchmark [--seconds N] [--warmup-seconds N] [--body-bytes N]"
            + " [--clients N,N,...] [--transports uds,tcp]");
        System.exit(0);
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      String value = args[++i];
      switch (flag) {
        case "--seconds" -> seconds = positive(flag, value);
        case "--warmup-seconds" -> warmupSeconds = positive(flag, value);
        case "--body-bytes" -> bodyBytes = positive(flag, value);
        case "--transports" -> transports = Arrays.stream(value.split(","))
            .map(v -> Via.valueOf(v.trim().toUpperCase(Locale.ROOT))).filter(v -> v != Via.CORE).distinct().toList();
        case "--clients" -> clientCounts = Arrays.stream(value.split(",")).mapToInt(v -> positive(flag, v))
            .toArray();
        default -> throw new IllegalArgumentException("unknown option " + flag);
      }
    }
    for (int c : clientCounts) {
      if (c > 64) {
        throw new IllegalArgumentException("--clients " + c + " is over the daemon's 64 requests in flight"
            + " (SPEC §3.2); the extra ones would be answered 429 daemon_busy");
      }
    }
  }

  private int run(String[] args) throws Exception {
    Path root = Files.createTempDirectory("claudemesh-ipc-bench-");
    runId = Long.toString(System.currentTimeMillis(), 36);
    loadAtStart = loadAverage();
    List<Cell> cells = new ArrayList<>();
    long drainNanos = 0;
    // The broker's own per-member limit (10,000 sends a minute) would hold alice's drain to ~170/s
    // and leave minutes of backlog after each send phase; lifted as in EndToEndBenchmark.
    try (MeshHarness mesh = MeshHarness.builder(root)
        .broker(broker -> broker.rateLimit(Integer.MAX_VALUE, Duration.ofMinutes(1)))
        .start()) {
      Peer alice = mesh.peer("alice");
      Peer bob = mesh.peer("bob");
      DaemonPaths paths = DaemonPaths.inDirectory(Files.createTempDirectory("cm-ipc-"));
      LocalTokens tokens = LocalTokens.openOrCreate(paths.localToken(), Clock.systemUTC());
      IpcServer server = PeerPorts.serve(IpcServer.builder(paths).tcp(true, 0).tokens(tokens),
              alice, FeatureNegotiation.DEFAULT_REQUIRE, Clock.systemUTC())
          .noopRouteForBenchmarks()
          .rateLimit(1e9, 1_000_000_000L)
          .build();
      try (EventBus.Subscription ignored = bob.events(e -> {
            if (EventKinds.MESSAGE.equals(e.kind())) {
              bobReceived.incrementAndGet();
            }
          })) {
        server.start();
        String body = "{\"to\":\"" + bob.memberPubkey() + "\",\"message\":\"" + "x".repeat(bodyBytes) + "\"}";
        List<HttpClient> clients = new ArrayList<>();
        try {
          List<Target> targets = new ArrayList<>();
          for (Via via : transports) {
            HttpClient http = client();
            clients.add(http);
            targets.add(via == Via.UDS
                ? new Target(via, http, "http://localhost", new Transport.TCPUnix(server.socket()), null, null,
                    null, null)
                : new Target(via, http, "http://127.0.0.1:" + server.tcpPort(), Transport.TCP_IP,
                    "Bearer " + tokens.insecureCurrentToken(), null, null, null));
          }
          targets.add(new Target(Via.CORE, null, "", null, null, alice, bob.memberPubkey(), "x".repeat(bodyBytes)));
          // Whatever runs first would otherwise run on a colder JIT than the rest (measured: the first
          // transport came out up to twice as slow as the second, whichever it was).
          log("warm-up pass: every cell for %d s", warmupSeconds);
          for (Target target : targets) {
            for (int n : clientCounts) {
              for (Route route : target.routes()) {
                phase(target, route, body, n, warmupSeconds);
                if (route == Route.SEND) {
                  drainNanos += awaitDrained();
                }
              }
            }
          }
          for (Target target : targets) {
            for (int n : clientCounts) {
              for (Route route : target.routes()) {
                log("%s, %d client%s, %s: %d s warm-up, %d s measured", target.via(), n, n == 1 ? "" : "s",
                    target.via() == Via.CORE ? "Peer.send in process" : label(route), warmupSeconds, seconds);
                phase(target, route, body, n, warmupSeconds);
                Cell cell = measure(target, route, body, n, seconds);
                cells.add(cell);
                log("  %,.0f req/s, p50 %.3f ms, p99 %.3f ms, unexpected %s, 429 busy %d, 429 rate %d",
                    cell.perSecond(), millis(cell.percentile(50)), millis(cell.percentile(99)), cell.unexpected(),
                    cell.busy(), cell.rateLimited());
                if (route == Route.SEND) {
                  drainNanos += awaitDrained();
                }
              }
            }
          }
          // The same send with the broker stopped: alice's outbox accepts and keeps the rows
          // pending, so neither the drain, the broker nor bob competes for the cores. This is the
          // daemon's own send path (HTTP + validation + durable accept) beside the no-op route.
          mesh.stopBroker();
          for (Target target : targets) {
            if (target.via() == Via.CORE) {
              continue;
            }
            for (int n : clientCounts) {
              log("%s, %d client%s, %s: %d s warm-up, %d s measured", target.via(), n, n == 1 ? "" : "s",
                  label(Route.SEND_OFFLINE), warmupSeconds, seconds);
              phase(target, Route.SEND_OFFLINE, body, n, warmupSeconds);
              Cell cell = measure(target, Route.SEND_OFFLINE, body, n, seconds);
              cells.add(cell);
              log("  %,.0f req/s, p50 %.3f ms, p99 %.3f ms, unexpected %s, 429 busy %d, 429 rate %d",
                  cell.perSecond(), millis(cell.percentile(50)), millis(cell.percentile(99)), cell.unexpected(),
                  cell.busy(), cell.rateLimited());
            }
          }
        } finally {
          for (HttpClient http : clients) {
            http.stop();
          }
        }
      } finally {
        server.close();
        TempDirs.deleteRecursively(paths.dir());
      }
    } finally {
      TempDirs.deleteRecursively(root);
    }
    return report(args, cells, drainNanos);
  }

  // ---------------------------------------------------------------------------------- clients

  private static HttpClient client() throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(256, 8);
    threads.setName("bench-http");
    threads.setDaemon(true);
    ClientConnector connector = new ClientConnector();
    connector.setExecutor(threads);
    HttpClient http = new HttpClient(new HttpClientTransportOverHTTP(connector));
    http.setExecutor(threads);
    http.setMaxConnectionsPerDestination(128);
    http.setMaxRequestsQueuedPerDestination(1024);
    http.setFollowRedirects(false);
    http.setUserAgentField(null);
    http.start();
    return http;
  }

  /**
   * Where one transport's requests go; {@code authorization} is null on the socket. For {@link
   * Via#CORE} only {@code peer}, {@code to} and {@code message} are set.
   */
  private record Target(Via via, HttpClient http, String base, Transport transport, String authorization,
      Peer peer, String to, String message) {
    List<Route> routes() {
      return via == Via.CORE ? List.of(Route.SEND) : List.of(Route.NOOP, Route.SEND);
    }

    Request request(String path) {
      Request r = http.newRequest(base + path).transport(transport).timeout(30, TimeUnit.SECONDS);
      if (authorization != null) {
        r.headers(h -> h.put(HttpHeader.AUTHORIZATION, authorization));
      }
      return r;
    }
  }

  private Cell measure(Target target, Route route, String body, int clients, int secs) throws Exception {
    long start = System.nanoTime();
    Tally all = phase(target, route, body, clients, secs);
    long elapsed = System.nanoTime() - start;
    long[] sorted = Arrays.copyOf(all.nanos, all.count);
    Arrays.sort(sorted);
    long requests = all.count + all.busy + all.rateLimited
        + all.unexpected.values().stream().mapToLong(Long::longValue).sum();
    return new Cell(target.via(), clients, route, requests, all.count / (elapsed / 1e9), sorted, all.unexpected, all.busy,
        all.rateLimited);
  }

  /** {@code clients} threads in closed loop for {@code secs} seconds; every answer is tallied. */
  private Tally phase(Target target, Route route, String body, int clients, int secs) throws Exception {
    Tally all = new Tally();
    CountDownLatch ready = new CountDownLatch(clients);
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    Throwable[] failure = new Throwable[1];
    long[] deadline = new long[1];
    for (int c = 0; c < clients; c++) {
      Thread t = new Thread(() -> {
        Tally mine = new Tally();
        try {
          ready.countDown();
          go.await();
          while (System.nanoTime() < deadline[0]) {
            call(target, route, body, mine);
          }
        } catch (Throwable e) {
          synchronized (failure) {
            if (failure[0] == null) {
              failure[0] = e;
            }
          }
        }
        all.merge(mine);
      }, "bench-client-" + c);
      threads.add(t);
      t.start();
    }
    ready.await();
    deadline[0] = System.nanoTime() + TimeUnit.SECONDS.toNanos(secs);
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }
    if (failure[0] != null) {
      throw new IllegalStateException("a client failed", failure[0]);
    }
    if (route == Route.SEND) {
      sendsAccepted.addAndGet(all.count);
    }
    return all;
  }

  private void call(Target target, Route route, String body, Tally tally) throws Exception {
    if (target.peer() != null) {
      dev.claudemesh.core.SendRequest send = dev.claudemesh.core.SendRequest.builder(target.to(), target.message())
          .idempotencyKey("b-" + runId + "-" + keys.incrementAndGet()).build();
      long start = System.nanoTime();
      AcceptResult result = target.peer().send(send);
      long latency = System.nanoTime() - start;
      if (result.kind() == AcceptResult.Kind.QUEUED) {
        tally.add(latency);
      } else {
        tally.unexpected.merge(0, 1L, Long::sum);
        System.err.println("Peer.send answered " + result.kind());
      }
      return;
    }
    Request request;
    int expected;
    if (route == Route.SEND || route == Route.SEND_OFFLINE) {
      request = target.request(Routes.SEND).method("POST")
          .headers(h -> h.put(Routes.HEADER_IDEMPOTENCY_KEY, "b-" + runId + "-" + keys.incrementAndGet()))
          .body(new StringRequestContent(Routes.MEDIA_JSON, body, StandardCharsets.UTF_8));
      expected = 202;
    } else {
      request = target.request(IpcServer.NOOP_PATH).method("GET");
      expected = 200;
    }
    long start = System.nanoTime();
    ContentResponse response = request.send();
    long latency = System.nanoTime() - start;
    int status = response.getStatus();
    if (status == expected) {
      tally.add(latency);
      return;
    }
    if (status == 429) {
      String text = response.getContentAsString();
      if (text.contains("daemon_busy")) {
        tally.busy++;
        return;
      }
      if (text.contains("rate_limited")) {
        tally.rateLimited++;
        return;
      }
    }
    tally.unexpected.merge(status, 1L, Long::sum);
    if (tally.unexpected.get(status) == 1) {
      System.err.println("unexpected " + status + " from " + label(route) + ": " + response.getContentAsString());
    }
  }

  /** Waits until bob has received every DM accepted so far; returns the nanoseconds waited. */
  private long awaitDrained() throws InterruptedException {
    long start = System.nanoTime();
    long accepted = sendsAccepted.get();
    long deadline = start + TimeUnit.MINUTES.toNanos(5);
    while (bobReceived.get() < accepted) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("bob received only " + bobReceived.get() + " of the " + accepted
            + " DMs accepted within 5 minutes");
      }
      Thread.sleep(20);
    }
    long waited = System.nanoTime() - start;
    log("  bob has received all %,d DMs accepted so far, %.1f s after the phase ended", accepted, waited / 1e9);
    return waited;
  }

  // ------------------------------------------------------------------------------------ report

  private int report(String[] args, List<Cell> cells, long drainNanos) {
    List<String> jvm = ManagementFactory.getRuntimeMXBean().getInputArguments();
    StringBuilder command = new StringBuilder("java");
    for (String a : jvm) {
      command.append(' ').append(a);
    }
    command.append(" -cp benchmarks/target/benchmarks.jar ").append(DaemonIpcBenchmark.class.getName());
    for (String a : args) {
      command.append(' ').append(a);
    }
    StringBuilder out = new StringBuilder("\n");
    out.append(String.format(Locale.ROOT, "cores: %d, java %s (%s), %s %s%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
        System.getProperty("java.vm.name"), System.getProperty("os.name"), System.getProperty("os.arch")));
    out.append("command: ").append(command).append('\n');
    out.append("load average at the start / end: ").append(loadAtStart).append(" / ").append(loadAverage())
        .append('\n');
    out.append(String.format(Locale.ROOT, "each cell: %d s closed loop after %d s warm-up; send body: to = bob's"
        + " pubkey, message of %d bytes, fresh Idempotency-Key%n", seconds, warmupSeconds, bodyBytes));
    out.append('\n');
    out.append(String.format(Locale.ROOT, "| %-4s | %7s | %-15s | %10s | %9s | %8s | %8s | %8s | %8s |%n",
        "via", "clients", "route", "requests", "req/s", "p50 ms", "p99 ms", "p999 ms", "max ms"));
    out.append("|------|---------|-----------------|------------|-----------|----------|----------|----------|----------|\n");
    for (Cell c : cells) {
      out.append(String.format(Locale.ROOT, "| %-4s | %7d | %-15s | %,10d | %,9.0f | %8.3f | %8.3f | %8.3f | %8.3f |%n",
          c.via() == Via.CORE ? "core" : c.via(), c.clients(), c.via() == Via.CORE ? "Peer.send" : label(c.route()),
          c.requests(), c.perSecond(), millis(c.percentile(50)),
          millis(c.percentile(99)), millis(c.percentile(99.9)), millis(c.percentile(100))));
    }
    out.append('\n');
    for (Via via : transports) {
      for (int clients : clientCounts) {
        Cell send = find(cells, via, clients, Route.SEND);
        Cell noop = find(cells, via, clients, Route.NOOP);
        out.append(String.format(Locale.ROOT, "%s, %2d client%s: send / no-op throughput %.3f, p50 %.1fx, p99 %.1fx%s%n",
            via, clients, clients == 1 ? " " : "s", send.perSecond() / noop.perSecond(),
            (double) send.percentile(50) / Math.max(1, noop.percentile(50)),
            (double) send.percentile(99) / Math.max(1, noop.percentile(99)),
            clients == 64 ? String.format(Locale.ROOT, " (goal: at least 0.5: %s)",
                send.perSecond() / noop.perSecond() >= 0.5 ? "met" : "NOT met") : ""));
      }
    }
    for (Via via : transports) {
      for (int clients : clientCounts) {
        Cell send = find(cells, via, clients, Route.SEND_OFFLINE);
        Cell noop = find(cells, via, clients, Route.NOOP);
        out.append(String.format(Locale.ROOT, "%s, %2d client%s, broker down: send / no-op throughput %.3f,"
            + " p50 %.1fx, p99 %.1fx%n", via, clients, clients == 1 ? " " : "s",
            send.perSecond() / noop.perSecond(),
            (double) send.percentile(50) / Math.max(1, noop.percentile(50)),
            (double) send.percentile(99) / Math.max(1, noop.percentile(99))));
      }
    }
    for (Cell c : cells) {
      if (c.via() == Via.UDS && c.clients() == 1 && c.route() == Route.SEND_OFFLINE) {
        out.append(String.format(Locale.ROOT, "send p99 at 1 client over UDS, broker down: %.3f ms%n",
            millis(c.percentile(99))));
      }
    }
    for (Cell c : cells) {
      if (c.via() == Via.UDS && c.clients() == 1 && c.route() == Route.SEND) {
        out.append(String.format(Locale.ROOT, "send p99 at 1 client over UDS: %.3f ms (goal: under 5 ms: %s)%n",
            millis(c.percentile(99)), c.percentile(99) < TimeUnit.MILLISECONDS.toNanos(5) ? "met" : "NOT met"));
      }
    }
    for (int clients : transports.contains(Via.UDS) ? clientCounts : new int[0]) {
      Cell uds = find(cells, Via.UDS, clients, Route.SEND);
      Cell core = find(cells, Via.CORE, clients, Route.SEND);
      out.append(String.format(Locale.ROOT, "send over UDS / Peer.send in process, %2d client%s: throughput %.3f,"
          + " p50 +%.3f ms, p99 +%.3f ms%n", clients, clients == 1 ? " " : "s", uds.perSecond() / core.perSecond(),
          millis(uds.percentile(50) - core.percentile(50)), millis(uds.percentile(99) - core.percentile(99))));
    }
    long failures = 0;
    long busy = 0;
    long rateLimited = 0;
    for (Cell c : cells) {
      failures += c.failures();
      busy += c.busy();
      rateLimited += c.rateLimited();
    }
    out.append(String.format(Locale.ROOT, "answers other than 202 (send) / 200 (no-op): %d; 429 daemon_busy: %d;"
        + " 429 rate_limited: %d%n", failures, busy, rateLimited));
    out.append(String.format(Locale.ROOT, "DMs bob received: %,d; waited %.1f s in all after the send phases for"
        + " alice's outbox to drain%n", bobReceived.get(), drainNanos / 1e9));
    System.out.print(out);
    if (failures + busy + rateLimited > 0) {
      System.err.println("FAILED: " + (failures + busy + rateLimited) + " requests were not answered as expected");
      return 1;
    }
    return 0;
  }

  private static Cell find(List<Cell> cells, Via via, int clients, Route route) {
    return cells.stream().filter(c -> c.via() == via && c.clients() == clients && c.route() == route)
        .findFirst().orElseThrow();
  }

  private static String label(Route route) {
    return switch (route) {
      case SEND -> "POST send";
      case NOOP -> "GET _noop";
      case SEND_OFFLINE -> "send, no broker";
    };
  }

  private static int positive(String flag, String value) {
    int n = Integer.parseInt(value.trim());
    if (n < 1) {
      throw new IllegalArgumentException(flag + " must be at least 1, got " + value);
    }
    return n;
  }

  /** The 1-, 5- and 15-minute load averages (Linux), or "n/a": other work on the machine shows here. */
  private static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }

  private static double millis(long nanos) {
    return nanos / 1e6;
  }

  private static void log(String format, Object... args) {
    System.out.println(String.format(Locale.ROOT, format, args));
  }
}
