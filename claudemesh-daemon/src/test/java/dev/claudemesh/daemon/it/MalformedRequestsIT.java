package dev.claudemesh.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.core.identity.DaemonPaths;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10,000 seeded malformed requests as raw bytes, from several connections at once, the even ones
 * over {@code daemon.sock} and the odd ones over loopback TCP with the bearer token: never a 5xx,
 * no outbox row, and the daemon still serves afterwards. A connection closed without an answer is
 * allowed for bytes that are not HTTP, and counted. The two transports are two rate-limit callers
 * (100/s, bursts of 1,000 each), which halves the time the limiter imposes.
 */
class MalformedRequestsIT {
  private static final long SEED = 0x5EED_C1A0DE5L;
  private static final int REQUESTS = 10_000;
  private static final int WORKERS = 4;
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(15);
  /** Never the control routes: a well-formed POST there would stop or reconfigure the daemon. */
  private static final List<String> PATHS = List.of("/v1/send", "/v1/topic/post",
      "/v1/topic/subscribe", "/v1/topic/unsubscribe", "/v1/topic/list", "/v1/inbox", "/v1/peers",
      "/v1/profile", "/v1/health", "/v1/version", "/v1/metrics", "/v1/nope", "/", "/v2/send");
  private static final List<String> BODY_PATHS = List.of("/v1/send", "/v1/topic/post",
      "/v1/topic/subscribe", "/v1/profile");

  @TempDir Path tmp;

  @AfterEach
  void noChildLeft() throws InterruptedException {
    JarDaemon.killAll();
  }

  @Test
  void tenThousandMalformedRequestsNeverGetA5xx() throws Exception {
    try (TestMesh mesh = TestMesh.start(tmp)) {
      DaemonPaths alice = mesh.joinWithJar("alice");
      mesh.joinInProcess("bob");
      String bob = mesh.pubkey("bob");
      mesh.enableTcp(alice);
      JarDaemon daemon = JarDaemon.start(mesh.env(), alice, "alice");
      Path socket = daemon.socket();
      int port = Integer.parseInt(Files.readString(alice.httpPort(), StandardCharsets.US_ASCII)
          .trim());
      byte[] bearer = ("Authorization: Bearer " + Files.readString(alice.localToken(),
          StandardCharsets.US_ASCII).trim() + "\r\n").getBytes(StandardCharsets.US_ASCII);

      Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
      List<String> serverErrors = new ArrayList<>();
      LongAdder rateLimitedRetries = new LongAdder();
      AtomicInteger next = new AtomicInteger();
      long started = System.nanoTime();
      ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
      try {
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
          workers.add(pool.submit(() -> {
            for (int i = next.getAndIncrement(); i < REQUESTS; i = next.getAndIncrement()) {
              // one Random per request index: the same seed gives the same 10,000 requests
              Random random = new Random(SEED ^ (i * 0x9E3779B97F4A7C15L));
              Malformed m = malformed(random);
              boolean tcp = i % 2 == 1;
              String transport = tcp ? "tcp " : "unix ";
              byte[] bytes = tcp ? withHeader(m.bytes, bearer) : m.bytes;
              while (true) {
                Optional<SocketHttp.Reply> reply = tcp
                    ? SocketHttp.exchangeTcp(port, ANSWER_TIMEOUT, bytes)
                    : SocketHttp.exchange(socket, ANSWER_TIMEOUT, bytes);
                if (reply.isEmpty()) {
                  count(outcomes, m.kind + " closed");
                  break;
                }
                int status = reply.get().status();
                if (status == 429 && (reply.get().body().contains("\"rate_limited\"")
                    || reply.get().body().isEmpty())) {
                  // the limiter (100/s, bursts of 1,000) answered before the route (a HEAD answer
                  // has no body to tell which 429): try later
                  rateLimitedRetries.increment();
                  Thread.sleep(20L * WORKERS);
                  continue;
                }
                count(outcomes, m.kind + " " + status);
                if (status >= 500) {
                  synchronized (serverErrors) {
                    serverErrors.add("#" + i + " " + transport + m.kind + " → " + reply.get() + "\n"
                        + preview(m.bytes));
                  }
                }
                break;
              }
            }
            return null;
          }));
        }
        for (Future<?> worker : workers) {
          worker.get();
        }
      } finally {
        pool.shutdownNow();
      }
      long elapsedMs = (System.nanoTime() - started) / 1_000_000;
      long closed = outcomes.entrySet().stream().filter(e -> e.getKey().endsWith(" closed"))
          .mapToLong(e -> e.getValue().sum()).sum();
      System.out.printf("malformed requests: %d in %d ms (%d workers, socket and TCP), %d closed"
          + " without an answer, %d retries after 429 rate_limited%n", REQUESTS, elapsedMs, WORKERS,
          closed,
          rateLimitedRetries.sum());
      new TreeMap<>(outcomes).forEach((k, v) -> System.out.println("  " + k + ": " + v.sum()));

      assertEquals(List.of(), serverErrors, "5xx answers to malformed requests");
      assertEquals(REQUESTS, outcomes.values().stream().mapToLong(LongAdder::sum).sum());
      assertEquals(200, retryWhileLimited(() -> SocketHttp.get(socket, "/v1/version")).status());
      SocketHttp.Reply real = retryWhileLimited(() -> SocketHttp.postJson(socket, "/v1/send",
          "{\"to\": \"" + bob + "\", \"message\": \"still serving\"}",
          "Idempotency-Key: after-fuzz"));
      assertEquals(202, real.status(), real::toString);

      assertEquals(143, daemon.stop(), daemon::output);
      assertEquals(List.of("after-fuzz"), TestMesh.outboxIds(alice),
          "the only outbox row is the real send");
    }
  }

  private interface Call {
    SocketHttp.Reply call() throws IOException;
  }

  private static SocketHttp.Reply retryWhileLimited(Call call) throws Exception {
    for (int attempt = 0; ; attempt++) {
      SocketHttp.Reply reply = call.call();
      if (reply.status() != 429 || attempt > 100) {
        return reply;
      }
      Thread.sleep(50);
    }
  }

  /** {@code header} inserted after the first line, when there is one; garbage stays as it is. */
  private static byte[] withHeader(byte[] request, byte[] header) {
    for (int i = 0; i + 1 < request.length; i++) {
      if (request[i] == '\r' && request[i + 1] == '\n') {
        return concat(java.util.Arrays.copyOf(request, i + 2), header,
            java.util.Arrays.copyOfRange(request, i + 2, request.length));
      }
    }
    return request;
  }

  private static void count(Map<String, LongAdder> outcomes, String key) {
    outcomes.computeIfAbsent(key, k -> new LongAdder()).increment();
  }

  private static String preview(byte[] bytes) {
    String text = new String(bytes, 0, Math.min(bytes.length, 300), StandardCharsets.ISO_8859_1);
    return text.replace("\r", "\\r").replace("\n", "\\n\n");
  }

  // ------------------------------------------------------------------------- generator

  private record Malformed(String kind, byte[] bytes) {}

  private static Malformed malformed(Random r) {
    switch (r.nextInt(10)) {
      case 0:
        return new Malformed("bad-json", post(r, pick(r, BODY_PATHS), badJson(r)));
      case 1:
        return new Malformed("wrong-types", post(r, pick(r, BODY_PATHS), wrongTypes(r)));
      case 2:
        return new Malformed("wrong-method", request(pick(r, List.of("PUT", "DELETE", "PATCH",
            "TRACE", "FOO", "get", "HEAD", "POST", "GET", "CONNECT")), pick(r, PATHS),
            List.of(), r.nextBoolean() ? null : ascii("{}")));
      case 3:
        return new Malformed("huge-header", request("GET", pick(r, PATHS),
            List.of("X-Fill: " + "a".repeat(64 * 1024 + r.nextInt(1024))), null));
      case 4:
        return new Malformed("invalid-utf8", post(r, pick(r, BODY_PATHS), invalidUtf8(r)));
      case 5:
        return new Malformed("bad-path", request(r.nextBoolean() ? "GET" : "POST", badPath(r),
            List.of("Content-Type: application/json"), r.nextBoolean() ? null : ascii("{}")));
      case 6:
        return new Malformed("bad-content-length", badContentLength(r));
      case 7:
        return new Malformed("garbage", garbage(r));
      case 8:
        return new Malformed("bad-headers", badHeaders(r));
      default:
        return new Malformed("bad-query", request("GET", badQuery(r), List.of(), null));
    }
  }

  private static <T> T pick(Random r, List<T> options) {
    return options.get(r.nextInt(options.size()));
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] post(Random r, String path, byte[] body) {
    List<String> headers = new ArrayList<>();
    headers.add(pick(r, List.of("Content-Type: application/json",
        "Content-Type: application/json; charset=utf-8", "Content-Type: text/plain",
        "Content-Type: application/json;;;")));
    if (r.nextBoolean()) {
      headers.add("Idempotency-Key: " + pick(r, List.of("", " ", "k".repeat(300), "a b",
          "fuzz-" + r.nextInt(50), "\u00e9t\u00e9")));
    }
    return request("POST", path, headers, body);
  }

  /** A request with {@code Host}, the given headers, {@code Content-Length} when there is a body. */
  private static byte[] request(String method, String target, List<String> headers,
      byte[] body) {
    StringBuilder head = new StringBuilder(method).append(' ').append(target)
        .append(" HTTP/1.1\r\nHost: localhost\r\n");
    for (String h : headers) {
      head.append(h).append("\r\n");
    }
    if (body != null) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("Connection: close\r\n\r\n");
    return concat(head.toString().getBytes(StandardCharsets.UTF_8),
        body == null ? new byte[0] : body);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] badJson(Random r) {
    String valid = "{\"to\": \"#general\", \"message\": \"hi\", \"topic\": \"general\","
        + " \"priority\": \"next\"}";
    switch (r.nextInt(7)) {
      case 0:
        return ascii(valid.substring(0, r.nextInt(valid.length() - 1)));
      case 1: {
        char[] chars = valid.toCharArray();
        for (int i = 0; i < 1 + r.nextInt(4); i++) {
          chars[r.nextInt(chars.length)] = "{}[]\",:\\x0".charAt(r.nextInt(10));
        }
        // the last brace kept or not, a replaced quote or colon breaks the syntax
        chars[r.nextInt(chars.length - 1)] = pick(r, List.of('\u0000', '"', ':', '{', ']'));
        return new String(chars).getBytes(StandardCharsets.UTF_8);
      }
      case 2:
        return ascii("[".repeat(1 + r.nextInt(20_000)));
      case 3:
        return ascii(pick(r, List.of("", "null", "[]", "0", "\"x\"", "true", "{}{}", "{,}",
            "{\"to\":}", "{'to': 'x'}", "{\"to\": \"x\",}")));
      case 4:
        return ascii(valid + "garbage");
      case 5: {
        byte[] noise = new byte[r.nextInt(2048)];
        r.nextBytes(noise);
        return noise;
      }
      default:
        return ascii("{\"to\": \"#g\", \"message\": \"" + "\\u".repeat(1 + r.nextInt(5)) + "zz\"}");
    }
  }

  private static byte[] wrongTypes(Random r) {
    String to = pick(r, List.of("5", "null", "[]", "{}", "true", "\"\"", "\"" + "x".repeat(300)
        + "\"", "\"#\"", "\"nobody\""));
    String message = pick(r, List.of("5", "null", "[\"x\"]", "{}", "false"));
    String extra = pick(r, List.of("", ", \"priority\": \"urgent\"", ", \"priority\": 3",
        ", \"meta\": \"x\"", ", \"meta\": [1]", ", \"reply_to_id\": 7", ", \"unknown\": 1",
        ", \"client_message_id\": {}", ", \"mentions\": \"x\"", ", \"topic\": 9"));
    // `message` always has a wrong type, so no variant is a valid send
    return ascii("{\"to\": " + to + ", \"topic\": " + to + ", \"message\": " + message
        + extra + "}");
  }

  private static byte[] invalidUtf8(Random r) {
    byte[][] bad = {{(byte) 0xC3, 0x28}, {(byte) 0xFF}, {(byte) 0xE2, (byte) 0x82},
        {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80,
            (byte) 0x80, (byte) 0x80}, {(byte) 0xC0, (byte) 0xAF}};
    return concat(ascii("{\"to\": \"#general\", \"topic\": \"x"), bad[r.nextInt(bad.length)],
        ascii("\", \"message\": \"" + "\u0001"), bad[r.nextInt(bad.length)], ascii("\"}"));
  }

  private static String badPath(Random r) {
    switch (r.nextInt(12)) {
      case 0:
        return "/v1/../v1/version";
      case 1:
        return "/v1/%2e%2e/send";
      case 2:
        return "/v1/send%00";
      case 3:
        return "/%00/" + pick(r, PATHS);
      case 4:
        return "/" + "a".repeat(8_000 + r.nextInt(60_000));
      case 5:
        return "//v1//version";
      case 6:
        return "/v1/version/..;/send";
      case 7:
        return "http://evil.example/v1/version";
      case 8:
        return "*";
      case 9:
        return "/v1/send?" + "x=1&".repeat(1 + r.nextInt(5000));
      case 10:
        return "/v1/%ZZ";
      default:
        return "/v1/" + "../".repeat(1 + r.nextInt(50)) + "etc/passwd";
    }
  }

  private static byte[] badContentLength(Random r) {
    String path = pick(r, BODY_PATHS);
    String start = "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n";
    String body = "{\"to\": 1}";
    switch (r.nextInt(7)) {
      case 0:
        return ascii(start + "Content-Length: abc\r\n\r\n" + body);
      case 1:
        return ascii(start + "Content-Length: -1\r\n\r\n" + body);
      case 2:
        return ascii(start + "Content-Length: 99999999999999999999\r\n\r\n" + body);
      case 3:
        return ascii(start + "Content-Length: 9\r\nContent-Length: 3\r\n\r\n" + body);
      case 4:
        // declares more than it sends; the half-close ends it
        return ascii(start + "Content-Length: " + (50 + r.nextInt(5000)) + "\r\n\r\n" + body);
      case 5:
        return ascii(start + "Content-Length: 9\r\nTransfer-Encoding: chunked\r\n\r\n" + body);
      default:
        return ascii(start + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + body + "\r\n0\r\n\r\n");
    }
  }

  private static byte[] garbage(Random r) {
    switch (r.nextInt(6)) {
      case 0: {
        byte[] noise = new byte[1 + r.nextInt(4096)];
        r.nextBytes(noise);
        return noise;
      }
      case 1: {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 1 + r.nextInt(200); i++) {
          s.append((char) (32 + r.nextInt(95)));
        }
        return ascii(s + "\r\n\r\n");
      }
      case 2:
        return ascii(pick(r, List.of("GET\r\n\r\n", "GET /\r\n\r\n", "HTTP/1.1 200 OK\r\n\r\n",
            "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "\r\n\r\n\r\n",
            "GET /v1/version HTTP/1.1\n\n", " GET /v1/version HTTP/1.1\r\n\r\n",
            "GET /v1/version HTTP/1.1\r\nHost: localhost\r\n")));
      case 3:
        return ascii("GET /v1/version HTTP/1.1\r\n" + "X: y\r\n".repeat(1 + r.nextInt(2000)) + "\r\n");
      case 4:
        return ascii("G".repeat(1 + r.nextInt(100_000)));
      default:
        return concat(ascii("GET /v1/version HTTP/1.1\r\nHost: local"), new byte[] {0, 1, 2,
            (byte) 0xFF}, ascii("\r\n\r\n"));
    }
  }

  private static byte[] badHeaders(Random r) {
    String header = pick(r, List.of("NoColonHere", "Bad Name: x", " Leading: space",
        "Host: localhost:abc", "Host: evil.example", "Host: localhost\r\nHost: localhost",
        "Origin: http://localhost", "Origin: null", "Authorization: Bearer x",
        "Authorization: " + "B".repeat(5000), "X-\u00ff: \u00ff", "Content-Type: \u0000",
        "Expect: 100-continue", "Transfer-Encoding: gzip", "Connection: upgrade\r\nUpgrade: h2c",
        "Cookie: " + "c=1; ".repeat(500)));
    return ascii(pick(r, List.of("GET", "POST")) + " " + pick(r, PATHS)
        + " HTTP/1.1\r\nHost: localhost\r\n" + header + "\r\nContent-Length: 0\r\n\r\n");
  }

  private static String badQuery(Random r) {
    return "/v1/inbox?" + pick(r, List.of("limit=-1", "limit=0", "limit=abc", "limit=1001",
        "limit=99999999999999999999", "since=abc", "since=-5", "from=zz", "from=" + "a".repeat(64),
        "cursor=garbage", "cursor=" + "A".repeat(200), "cursor=%00", "limit=1&limit=2",
        "unknown=1", "topic=", "topic=%ff%fe", "=", "&&&", "limit", "%"));
  }
}
