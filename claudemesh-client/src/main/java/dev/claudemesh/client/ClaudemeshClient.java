package dev.claudemesh.client;

import dev.claudemesh.api.ApiJson;
import dev.claudemesh.api.Compat;
import dev.claudemesh.api.ErrorCodes;
import dev.claudemesh.api.Health;
import dev.claudemesh.api.Heartbeat;
import dev.claudemesh.api.HeartbeatRequest;
import dev.claudemesh.api.InboxMessage;
import dev.claudemesh.api.InboxPage;
import dev.claudemesh.api.OutboxPage;
import dev.claudemesh.api.PageQuery;
import dev.claudemesh.api.PeerList;
import dev.claudemesh.api.Profile;
import dev.claudemesh.api.RequeueRequest;
import dev.claudemesh.api.RequeueResponse;
import dev.claudemesh.api.Routes;
import dev.claudemesh.api.Routes.Endpoint;
import dev.claudemesh.api.SendRequest;
import dev.claudemesh.api.SendResponse;
import dev.claudemesh.api.TopicList;
import dev.claudemesh.api.TopicPostRequest;
import dev.claudemesh.api.TopicRequest;
import dev.claudemesh.api.Version;
import dev.claudemesh.client.internal.UnixDomainSocketFactory;
import dev.claudemesh.client.internal.Ulid;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A typed client for one daemon's local {@code /v1} API (SPEC §3.3), over its Unix socket or over
 * loopback TCP with the bearer token.
 *
 * <p>Every call blocks until the daemon answers. An error answer throws a {@link
 * ClaudemeshException} (a subclass for the codes a caller is likely to handle); a daemon that is
 * not there throws {@link DaemonNotRunningException}; other transport failures throw {@link
 * IOException}. Transport failures before an answer are retried with backoff (every route but
 * {@code requeue}); {@code 429 daemon_busy} and {@code rate_limited} are retried after their
 * {@code Retry-After} when it is within {@link Builder#maxRetryAfter}; no other answer is retried.
 * {@link #send} and {@link #topicPost} always carry an {@code Idempotency-Key}, the same on every
 * retry, so a retried send is never a second message.
 *
 * <p>Thread-safe; share one instance. {@link #close()} ends open event subscriptions and releases
 * pooled connections.
 */
public final class ClaudemeshClient implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(ClaudemeshClient.class);
  private static final MediaType JSON = MediaType.get(Routes.MEDIA_JSON);
  private static final String USER_AGENT = "claudemesh-client";

  private final Target target;
  private final OkHttpClient http;
  private final OkHttpClient eventsHttp;
  private final int maxRetries;
  private final Duration retryBackoff;
  private final Duration maxRetryAfter;
  private final Set<Events> subscriptions = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private ClaudemeshClient(Builder b, Target target) {
    this.target = target;
    this.maxRetries = b.maxRetries;
    this.retryBackoff = b.retryBackoff;
    this.maxRetryAfter = b.maxRetryAfter;
    OkHttpClient.Builder ok = new OkHttpClient.Builder()
        .connectTimeout(b.connectTimeout)
        .readTimeout(b.readTimeout)
        .writeTimeout(b.writeTimeout)
        .callTimeout(b.callTimeout)
        // retries are ours: a send retried on another route must keep its key, and over the
        // socket every "route" is the same file
        .retryOnConnectionFailure(false)
        .followRedirects(false)
        .proxy(Proxy.NO_PROXY);
    if (target.socket != null) {
      ok.socketFactory(new UnixDomainSocketFactory(target.socket))
          .dns(host -> List.of(InetAddress.getLoopbackAddress()));
    }
    this.http = ok.build();
    this.eventsHttp = http.newBuilder()
        .readTimeout(b.eventsReadTimeout)
        .callTimeout(Duration.ZERO)
        .build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Where this client talks: the socket path, or the TCP base URL. */
  public String address() {
    return target.address;
  }

  /** Whether this client uses the Unix socket (else loopback TCP with the token). */
  public boolean usesSocket() {
    return target.socket != null;
  }

  // ---- routes ----

  /**
   * {@code POST /v1/send} (SPEC §4). The {@code Idempotency-Key} is the request's {@code
   * client_message_id}, or a fresh ULID; the returned {@link SendResponse#clientMessageId()} is
   * the key the daemon consumed. A transport failure is retried with the same key.
   */
  public SendResponse send(SendRequest request) throws IOException {
    Objects.requireNonNull(request, "request == null");
    String key = request.clientMessageId() != null ? request.clientMessageId() : Ulid.mint();
    return call(Endpoint.SEND, "", ApiJson.toJson(request), key, true, SendResponse.class);
  }

  /** A direct message or topic post to {@code to} with default priority and a minted key. */
  public SendResponse send(String to, String message) throws IOException {
    return send(SendRequest.of(to, message));
  }

  /** {@code POST /v1/topic/post}, with the same key rule and retries as {@link #send}. */
  public SendResponse topicPost(TopicPostRequest request) throws IOException {
    Objects.requireNonNull(request, "request == null");
    String key = request.clientMessageId() != null ? request.clientMessageId() : Ulid.mint();
    return call(Endpoint.TOPIC_POST, "", ApiJson.toJson(request), key, true,
        SendResponse.class);
  }

  /** {@code POST /v1/topic/subscribe}; idempotent. Returns the subscription state. */
  public boolean subscribe(String topic) throws IOException {
    return topicState(Endpoint.TOPIC_SUBSCRIBE, topic);
  }

  /** {@code POST /v1/topic/unsubscribe}; idempotent. Returns the subscription state. */
  public boolean unsubscribe(String topic) throws IOException {
    return topicState(Endpoint.TOPIC_UNSUBSCRIBE, topic);
  }

  private boolean topicState(Endpoint endpoint, String topic) throws IOException {
    Objects.requireNonNull(topic, "topic == null");
    Map<?, ?> answer = call(endpoint, "", ApiJson.toJson(new TopicRequest(topic)), null, true,
        Map.class);
    return Boolean.TRUE.equals(answer.get("subscribed"));
  }

  /** {@code GET /v1/topic/list}. */
  public TopicList topics() throws IOException {
    return call(Endpoint.TOPIC_LIST, "", null, null, true, TopicList.class);
  }

  /** {@code GET /v1/inbox}: one page, newest first; {@code since, topic, from, limit, cursor}. */
  public InboxPage inbox(PageQuery query) throws IOException {
    Objects.requireNonNull(query, "query == null");
    return call(Endpoint.INBOX, query.toQueryString(), null, null, true, InboxPage.class);
  }

  /** The first page of the inbox with the daemon's default size. */
  public InboxPage inbox() throws IOException {
    return inbox(PageQuery.first());
  }

  /**
   * Every inbox message matching {@code query}, newest first, fetching pages as the iteration
   * goes. A failure while fetching a page is thrown as {@link UncheckedIOException}.
   */
  public Iterable<InboxMessage> inboxMessages(PageQuery query) {
    Objects.requireNonNull(query, "query == null");
    return () -> new Iterator<>() {
      private @Nullable PageQuery next = query;
      private Iterator<InboxMessage> page = List.<InboxMessage>of().iterator();

      @Override
      public boolean hasNext() {
        while (!page.hasNext() && next != null) {
          InboxPage p;
          try {
            p = inbox(next);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          page = p.messages().iterator();
          next = p.nextCursor() == null ? null : next.next(p.nextCursor());
        }
        return page.hasNext();
      }

      @Override
      public InboxMessage next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return page.next();
      }
    };
  }

  /** {@code GET /v1/peers}: live peers from the broker. */
  public PeerList peers() throws IOException {
    return call(Endpoint.PEERS, "", null, null, true, PeerList.class);
  }

  /** {@code POST /v1/profile}: only present members change; returns the profile as sent. */
  public Profile profile(Profile profile) throws IOException {
    Objects.requireNonNull(profile, "profile == null");
    return call(Endpoint.PROFILE, "", ApiJson.toJson(profile), null, true, Profile.class);
  }

  /**
   * {@code GET /v1/outbox}: the operator view, newest first.
   *
   * @param status one of {@code pending, inflight, done, dead, aborted}, or null for all
   * @param limit 1 to 1000, or null for the daemon's default
   * @param cursor a {@code next_cursor} of an earlier page, or null for the first
   */
  public OutboxPage outbox(@Nullable String status, @Nullable Integer limit,
      @Nullable String cursor) throws IOException {
    PageQuery q = new PageQuery(null, null, null, status, limit, cursor);
    return call(Endpoint.OUTBOX, q.toQueryString(), null, null, true, OutboxPage.class);
  }

  /**
   * {@code POST /v1/outbox/requeue} (SPEC §4.7). Not retried on a transport failure: a requeue
   * with {@code auto} would mint a second id. Check {@link #outbox} before trying again.
   */
  public RequeueResponse requeue(RequeueRequest request) throws IOException {
    Objects.requireNonNull(request, "request == null");
    return call(Endpoint.OUTBOX_REQUEUE, "", ApiJson.toJson(request), null, false,
        RequeueResponse.class);
  }

  /** {@code GET /v1/health}. */
  public Health health() throws IOException {
    return call(Endpoint.HEALTH, "", null, null, true, Health.class);
  }

  /** {@code GET /v1/metrics}: the Prometheus text exposition, as sent. */
  public String metrics() throws IOException {
    return exchange(Endpoint.METRICS, "", null, null, true);
  }

  /** {@code GET /v1/version}. */
  public Version version() throws IOException {
    return call(Endpoint.VERSION, "", null, null, true, Version.class);
  }

  /** {@code GET /v1/compat}. */
  public Compat compat() throws IOException {
    return call(Endpoint.COMPAT, "", null, null, true, Compat.class);
  }

  /** {@code POST /v1/heartbeat}: tells the daemon this caller is alive. */
  public Heartbeat heartbeat(HeartbeatRequest request) throws IOException {
    Objects.requireNonNull(request, "request == null");
    return call(Endpoint.HEARTBEAT, "", ApiJson.toJson(request), null, true, Heartbeat.class);
  }

  /** {@code POST /v1/heartbeat} with {@code caller} and this process's pid. */
  public Heartbeat heartbeat(String caller) throws IOException {
    return heartbeat(new HeartbeatRequest(caller, ProcessHandle.current().pid()));
  }

  /**
   * Opens {@code GET /v1/events} (SPEC §3.4) on a thread of its own and feeds {@code listener}.
   * The stream reconnects with backoff after a failure, sending {@code Last-Event-ID} of the last
   * event seen, so events missed meanwhile are replayed (or announced by a {@code replay_gap}).
   *
   * @param lastEventId resume after this id, or null for events from now on
   */
  public EventSubscription events(@Nullable Long lastEventId, EventListener listener) {
    Objects.requireNonNull(listener, "listener == null");
    if (lastEventId != null && lastEventId < 0) {
      throw new IllegalArgumentException("lastEventId < 0: " + lastEventId);
    }
    if (closed) {
      throw new IllegalStateException("client is closed");
    }
    Events events = new Events(this, eventsHttp, lastEventId == null ? -1 : lastEventId,
        listener, retryBackoff);
    subscriptions.add(events);
    events.start();
    return events;
  }

  void forget(Events events) {
    subscriptions.remove(events);
  }

  /** Ends every event subscription and releases pooled connections. */
  @Override
  public void close() {
    closed = true;
    for (Events e : new ArrayList<>(subscriptions)) {
      e.close();
    }
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  @Override
  public String toString() {
    return "ClaudemeshClient{" + (target.socket != null ? "uds " : "tcp ") + target.address
        + (target.token != null ? ", token=***" : "") + "}";
  }

  // ---- plumbing ----

  Request.Builder request(Endpoint endpoint, String query) {
    Request.Builder r = new Request.Builder()
        .url(target.baseUrl + endpoint.path() + query)
        .header("User-Agent", USER_AGENT);
    if (target.token != null) {
      r.header(Routes.HEADER_AUTHORIZATION, Routes.BEARER_PREFIX + target.token);
    }
    return r;
  }

  private <T> T call(Endpoint endpoint, String query, @Nullable String body,
      @Nullable String idempotencyKey, boolean retryTransport, Class<T> type) throws IOException {
    String text = exchange(endpoint, query, body, idempotencyKey, retryTransport);
    try {
      return ApiJson.fromJson(text, type);
    } catch (RuntimeException e) {
      throw new IOException(endpoint + ": malformed answer: " + e.getMessage(), e);
    }
  }

  /** One request with the retry policy of the class comment; returns a 2xx body. */
  private String exchange(Endpoint endpoint, String query, @Nullable String body,
      @Nullable String idempotencyKey, boolean retryTransport) throws IOException {
    if (closed) {
      throw new IllegalStateException("client is closed");
    }
    Request.Builder r = request(endpoint, query);
    if (idempotencyKey != null) {
      r.header(Routes.HEADER_IDEMPOTENCY_KEY, idempotencyKey);
    }
    if (Routes.POST.equals(endpoint.method())) {
      r.post(RequestBody.create(body == null ? "{}" : body, JSON));
    }
    Request request = r.build();
    String route = endpoint.toString();
    long started = System.nanoTime();
    for (int attempt = 1; ; attempt++) {
      try (Response response = http.newCall(request).execute()) {
        String text = response.body().string();
        if (response.isSuccessful()) {
          return text;
        }
        ClaudemeshException e = Problems.toException(route, response.code(),
            response.header("Content-Type"), response.header(Routes.HEADER_RETRY_AFTER), text);
        Duration wait = busyWait(e);
        if (wait == null || attempt > maxRetries) {
          throw e;
        }
        log.debug("{}: {} {}, retrying in {} ms (attempt {} of {})", route, e.status(),
            e.errorCode(), wait.toMillis(), attempt + 1, maxRetries + 1);
        sleep(wait);
      } catch (ClaudemeshException e) {
        throw e;
      } catch (IOException e) {
        if (!retryTransport || attempt > maxRetries || closed
            || e instanceof InterruptedIOException && Thread.currentThread().isInterrupted()) {
          throw transportFailure(route, e, attempt, started);
        }
        Duration wait = backoff(retryBackoff, attempt);
        log.debug("{}: {} ({}), retrying in {} ms (attempt {} of {}{})", route,
            e.getClass().getSimpleName(), e.getMessage(), wait.toMillis(), attempt + 1,
            maxRetries + 1, idempotencyKey != null ? ", same Idempotency-Key" : "");
        sleep(wait);
      }
    }
  }

  /** How long to wait before retrying an answer, or null when it is not retried. */
  private @Nullable Duration busyWait(ClaudemeshException e) {
    if (e.status() != 429 || !(ErrorCodes.DAEMON_BUSY.equals(e.errorCode())
        || ErrorCodes.RATE_LIMITED.equals(e.errorCode()))) {
      return null;
    }
    Duration asked = e.retryAfter();
    if (asked == null) {
      return retryBackoff;
    }
    return asked.compareTo(maxRetryAfter) > 0 ? null : asked;
  }

  IOException transportFailure(String route, IOException e, int attempts, long startedNanos) {
    if (isConnectFailure(e)) {
      return new DaemonNotRunningException(target.address, e);
    }
    if (attempts == 1) {
      return e;
    }
    long ms = (System.nanoTime() - startedNanos) / 1_000_000L;
    return new IOException(route + ": no answer after " + attempts + " attempts in " + ms
        + " ms: " + e, e);
  }

  static boolean isConnectFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return true;
      }
    }
    return false;
  }

  static Duration backoff(Duration base, int attempt) {
    long ms = base.toMillis() << Math.min(attempt - 1, 10);
    return Duration.ofMillis(Math.min(ms, Math.max(base.toMillis(), 5_000)));
  }

  static void sleep(Duration d) throws InterruptedIOException {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException io = new InterruptedIOException("interrupted while waiting to retry");
      io.initCause(e);
      throw io;
    }
  }

  /** Where the client connects, after discovery. */
  static final class Target {
    final @Nullable Path socket;
    final String baseUrl;
    final String address;
    final @Nullable String token;

    private Target(@Nullable Path socket, String baseUrl, String address, @Nullable String token) {
      this.socket = socket;
      this.baseUrl = baseUrl;
      this.address = address;
      this.token = token;
    }

    static Target socket(Path socket, @Nullable String token) {
      return new Target(socket, "http://localhost", socket.toString(), token);
    }

    static Target tcp(String baseUrl, @Nullable String token) {
      HttpUrl url = HttpUrl.parse(baseUrl);
      if (url == null) {
        throw new IllegalArgumentException("baseUrl is not an http(s) URL: " + baseUrl);
      }
      String base = url.toString();
      base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
      return new Target(null, base, url.host() + ":" + url.port(), token);
    }
  }

  /**
   * Configures a client. Discovery, when neither {@link #socket} nor {@link #baseUrl} is given:
   * the daemon directory is {@code $CLAUDEMESH_DAEMON_DIR}, else {@code
   * $CLAUDEMESH_HOME/daemon/<mesh>} ({@code ~/.claudemesh} without {@code CLAUDEMESH_HOME}; with
   * no mesh named, the only directory there). Its {@code daemon.sock} is used when it exists,
   * else {@code http.port} and {@code local_token} over TCP to 127.0.0.1, else the socket path
   * (calls then fail with {@link DaemonNotRunningException} naming it). Discovery runs once, in
   * {@link #build()}.
   */
  public static final class Builder {
    private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    static final String ENV_HOME = "CLAUDEMESH_HOME";
    static final String ENV_DAEMON_DIR = "CLAUDEMESH_DAEMON_DIR";

    private @Nullable String mesh;
    private Map<String, String> env = System.getenv();
    private @Nullable Path socket;
    private @Nullable String baseUrl;
    private @Nullable String token;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration readTimeout = Duration.ofSeconds(30);
    private Duration writeTimeout = Duration.ofSeconds(30);
    private Duration callTimeout = Duration.ofSeconds(60);
    private Duration eventsReadTimeout = Duration.ofSeconds(45);
    private int maxRetries = 4;
    private Duration retryBackoff = Duration.ofMillis(250);
    private Duration maxRetryAfter = Duration.ofSeconds(5);

    Builder() {}

    /** The mesh slug whose daemon to find under {@code $CLAUDEMESH_HOME/daemon/}. */
    public Builder mesh(String mesh) {
      Objects.requireNonNull(mesh, "mesh == null");
      if (!SLUG.matcher(mesh).matches()) {
        throw new IllegalArgumentException("mesh \"" + mesh
            + "\" must be 1-63 of a-z, 0-9, '.', '_', '-', starting with a letter or digit");
      }
      this.mesh = mesh;
      return this;
    }

    /** The environment discovery reads ({@code System.getenv()} by default). Copied. */
    public Builder env(Map<String, String> env) {
      Objects.requireNonNull(env, "env == null");
      this.env = Map.copyOf(env);
      return this;
    }

    /** Talk over this Unix socket, skipping discovery. */
    public Builder socket(Path socket) {
      this.socket = Objects.requireNonNull(socket, "socket == null");
      return this;
    }

    /** Talk over TCP to this base URL (for example {@code http://127.0.0.1:7420}). */
    public Builder baseUrl(String baseUrl) {
      Objects.requireNonNull(baseUrl, "baseUrl == null");
      Target.tcp(baseUrl, null); // validates
      this.baseUrl = baseUrl;
      return this;
    }

    /** The bearer token for TCP; discovery reads {@code local_token} when it is not given. */
    public Builder token(String token) {
      Objects.requireNonNull(token, "token == null");
      if (token.isBlank() || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
        throw new IllegalArgumentException("token must be printable ASCII without spaces");
      }
      this.token = token;
      return this;
    }

    public Builder connectTimeout(Duration d) {
      this.connectTimeout = positive(d, "connectTimeout");
      return this;
    }

    public Builder readTimeout(Duration d) {
      this.readTimeout = positive(d, "readTimeout");
      return this;
    }

    public Builder writeTimeout(Duration d) {
      this.writeTimeout = positive(d, "writeTimeout");
      return this;
    }

    /** Bounds one attempt of a call, reading its answer included. */
    public Builder callTimeout(Duration d) {
      this.callTimeout = positive(d, "callTimeout");
      return this;
    }

    /**
     * How long an event stream may stay silent before it is reopened; the daemon sends a
     * keepalive every 15 s, so keep it well above that. Default 45 s.
     */
    public Builder eventsReadTimeout(Duration d) {
      this.eventsReadTimeout = positive(d, "eventsReadTimeout");
      return this;
    }

    /** Retries after the first attempt, for transport failures and 429s (default 4). */
    public Builder maxRetries(int maxRetries) {
      if (maxRetries < 0 || maxRetries > 20) {
        throw new IllegalArgumentException("maxRetries must be 0 to 20: " + maxRetries);
      }
      this.maxRetries = maxRetries;
      return this;
    }

    /** The first retry delay, doubled per attempt up to 5 s (default 250 ms). */
    public Builder retryBackoff(Duration d) {
      this.retryBackoff = positive(d, "retryBackoff");
      return this;
    }

    /** A 429 whose {@code Retry-After} is longer than this is thrown, not waited for (5 s). */
    public Builder maxRetryAfter(Duration d) {
      Objects.requireNonNull(d, "maxRetryAfter == null");
      if (d.isNegative()) {
        throw new IllegalArgumentException("maxRetryAfter < 0: " + d);
      }
      this.maxRetryAfter = d;
      return this;
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name + " == null");
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }

    /**
     * Runs discovery and builds the client.
     *
     * @throws IllegalStateException when {@code socket} and {@code baseUrl} are both set, or no
     *     mesh is named and the daemon directory is ambiguous
     * @throws UncheckedIOException when a discovered {@code http.port} or {@code local_token}
     *     cannot be read
     */
    public ClaudemeshClient build() {
      return new ClaudemeshClient(this, discover());
    }

    Target discover() {
      if (socket != null && baseUrl != null) {
        throw new IllegalStateException("socket and baseUrl are exclusive: set one");
      }
      if (socket != null) {
        return Target.socket(socket.toAbsolutePath(), token);
      }
      if (baseUrl != null) {
        return Target.tcp(baseUrl, token);
      }
      Path dir = daemonDir();
      Path sock = dir.resolve("daemon.sock");
      if (Files.exists(sock)) {
        return Target.socket(sock, token);
      }
      Path portFile = dir.resolve("http.port");
      Path tokenFile = dir.resolve("local_token");
      if (Files.isRegularFile(portFile) && (token != null || Files.isRegularFile(tokenFile))) {
        try {
          String portText = Files.readString(portFile, StandardCharsets.US_ASCII).trim();
          int port;
          try {
            port = Integer.parseInt(portText);
          } catch (NumberFormatException e) {
            throw new IllegalStateException(portFile + " does not hold a port: " + portText);
          }
          String t = token != null ? token
              : Files.readString(tokenFile, StandardCharsets.US_ASCII).trim();
          return Target.tcp("http://127.0.0.1:" + port, t);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read " + dir + ": " + e.getMessage(), e);
        }
      }
      return Target.socket(sock, token);
    }

    private Path daemonDir() {
      String override = env.get(ENV_DAEMON_DIR);
      if (override != null && !override.isBlank()) {
        return Path.of(override).toAbsolutePath();
      }
      String homeText = env.get(ENV_HOME);
      String shellHome = env.get("HOME"); // ~ as a shell expands it, as the daemon does
      Path home = homeText != null && !homeText.isBlank() ? Path.of(homeText).toAbsolutePath()
          : shellHome != null && shellHome.startsWith("/") ? Path.of(shellHome, ".claudemesh")
          : Path.of(System.getProperty("user.home"), ".claudemesh");
      Path daemons = home.resolve("daemon");
      if (mesh != null) {
        return daemons.resolve(mesh);
      }
      List<Path> dirs = new ArrayList<>();
      if (Files.isDirectory(daemons)) {
        try (Stream<Path> list = Files.list(daemons)) {
          list.filter(Files::isDirectory).forEach(dirs::add);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot list " + daemons, e);
        }
      }
      if (dirs.size() != 1) {
        throw new IllegalStateException("no mesh named and " + dirs.size()
            + " daemon directories under " + daemons + ": call mesh(slug)");
      }
      return dirs.get(0);
    }
  }
}
