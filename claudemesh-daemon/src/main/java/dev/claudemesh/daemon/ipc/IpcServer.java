package dev.claudemesh.daemon.ipc;

import dev.claudemesh.api.Routes;
import dev.claudemesh.core.identity.DaemonPaths;
import dev.claudemesh.core.identity.LocalTokens;
import dev.claudemesh.core.internal.SecureFiles;
import dev.claudemesh.daemon.config.DaemonConfig;
import dev.claudemesh.daemon.metrics.DaemonMetrics;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's local API server (SPEC §3): one Jetty {@link Server} with a Unix socket connector
 * on {@code daemon.sock} (mode 0600, no token) and, when enabled, a TCP connector on 127.0.0.1
 * whose port is written to {@code http.port} (mode 0644). Both feed one handler: the guard of
 * §3.1/§3.2, then the route table.
 *
 * <p>{@link #start()} refuses when another daemon answers on {@code daemon.sock}, and deletes a
 * stale socket file that nobody answers on. {@link #close()} stops every thread of the server and
 * removes {@code daemon.sock} and {@code http.port}.
 */
public final class IpcServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IpcServer.class);
  private static final String THREAD_NAME = "claudemesh-ipc";
  /** The path of {@link Builder#noopRouteForBenchmarks()}. */
  public static final String NOOP_PATH = "/v1/_noop";

  private final DaemonPaths paths;
  private final boolean tcpEnabled;
  private final int httpPort;
  private final RouteTable.Builder routes;
  private final @Nullable LocalTokens tokens;
  private final Capabilities capabilities;
  private final boolean publicHealthCheck;
  private final List<String> originAllowlist;
  private final int maxInFlight;
  private final RateLimiter rateLimiter;
  private final RequestObserver observer;
  private final @Nullable EventStreams events;
  private @Nullable Server server;
  private @Nullable IpcDispatcher dispatcher;
  private int boundPort = -1;

  private IpcServer(Builder b) {
    this.paths = Objects.requireNonNull(b.paths);
    this.tcpEnabled = b.tcpEnabled;
    this.httpPort = b.httpPort;
    this.tokens = b.tokens;
    this.capabilities = b.capabilities;
    this.publicHealthCheck = b.publicHealthCheck;
    this.originAllowlist = List.copyOf(b.originAllowlist);
    this.maxInFlight = b.maxInFlight;
    this.rateLimiter = new RateLimiter(b.ratePerSecond, b.rateBurst, b.nanoTime);
    this.events = b.events == null ? null
        : new EventStreams(b.events, b.keepaliveInterval, b.maxStreams);
    this.routes = b.routes.copy();
    this.observer = b.observer;
    if (events != null) {
      routes.route(Routes.Endpoint.EVENTS, events);
    }
  }

  public static Builder builder(DaemonPaths paths) {
    return new Builder(paths);
  }

  /**
   * Binds {@code daemon.sock} and, when enabled, the TCP port, and starts serving.
   *
   * @throws IllegalStateException when already started, another daemon serves the socket, or the
   *     route table has a duplicate
   * @throws IOException when the daemon directory or a port cannot be used
   */
  public synchronized void start() throws IOException {
    if (server != null) {
      throw new IllegalStateException("already started");
    }
    RouteTable table = routes.build();
    Path dir = SecureFiles.createPrivateDirectories(paths.dir());
    Optional<String> wider = SecureFiles.widerThan(dir, SecureFiles.DIR_0700);
    if (wider.isPresent()) {
      throw new IllegalStateException("daemon directory " + dir + " has mode " + wider.get()
          + "; it must be rwx------ (0700) before the socket is bound in it");
    }
    Path socket = paths.socket();
    clearStaleSocket(socket);
    if (!tcpEnabled) {
      Files.deleteIfExists(paths.httpPort());
    }

    QueuedThreadPool threads = new QueuedThreadPool(maxInFlight + 64, 4);
    threads.setName(THREAD_NAME);
    Server jetty = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    UnixDomainServerConnector unix = new UnixDomainServerConnector(jetty,
        new HttpConnectionFactory(http));
    unix.setUnixDomainPath(socket);
    jetty.addConnector(unix);
    ServerConnector tcp = null;
    if (tcpEnabled) {
      tcp = new ServerConnector(jetty, 1, 1, new HttpConnectionFactory(http));
      tcp.setHost("127.0.0.1");
      tcp.setPort(httpPort);
      jetty.addConnector(tcp);
    }
    jetty.setErrorHandler(new ProblemErrorHandler());
    IpcDispatcher guard = new IpcDispatcher(table, tokens, capabilities, publicHealthCheck,
        originAllowlist, maxInFlight, rateLimiter, observer);
    jetty.setHandler(new JettyAdapter(guard, unix));
    if (events != null) {
      events.open();
    }
    try {
      jetty.start();
    } catch (Exception e) {
      if (events != null) {
        events.close();
      }
      stopQuietly(jetty);
      throw new IOException("cannot start the IPC server on " + socket
          + (tcpEnabled ? " and 127.0.0.1:" + httpPort : "") + ": " + e.getMessage(), e);
    }
    server = jetty;
    dispatcher = guard;
    try {
      if (SecureFiles.supportsPosix(socket)) {
        Files.setPosixFilePermissions(socket, SecureFiles.FILE_0600);
      }
      if (tcp != null) {
        boundPort = tcp.getLocalPort();
        SecureFiles.writeAtomically(paths.httpPort(),
            (boundPort + "\n").getBytes(StandardCharsets.US_ASCII), SecureFiles.FILE_0644);
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
    log.info("IPC serving {}{}", socket, tcp != null ? " and 127.0.0.1:" + boundPort : "");
  }

  /**
   * Before binding: a socket file nobody answers on is stale and is deleted (logged); one that
   * answers belongs to a running daemon and refuses the start; anything else is left alone.
   */
  private static void clearStaleSocket(Path socket) throws IOException {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(socket, BasicFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS);
    } catch (java.nio.file.NoSuchFileException e) {
      return;
    }
    if (!attributes.isOther()) {
      throw new IllegalStateException(socket + " exists and is not a socket; move it away");
    }
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      probe.connect(UnixDomainSocketAddress.of(socket));
      throw new IllegalStateException("another daemon is serving " + socket);
    } catch (ConnectException refused) {
      Files.deleteIfExists(socket);
      log.info("removed stale socket {} (nothing answered on it)", socket);
    }
  }

  /**
   * Applies the live {@code [ipc]} keys of a reloaded config ({@code public_health_check},
   * {@code origin_allowlist}) to the requests that follow; the others need a restart.
   */
  public synchronized void applyLive(DaemonConfig config) {
    Objects.requireNonNull(config, "config == null");
    IpcDispatcher guard = dispatcher;
    if (guard != null) {
      guard.applyLive(config.publicHealthCheck(), config.originAllowlist());
    }
  }

  /** The bound TCP port, or -1 when TCP is off or the server is not started. */
  public synchronized int tcpPort() {
    return boundPort;
  }

  public Path socket() {
    return paths.socket();
  }

  /** Stops serving and every thread of the server; removes {@code daemon.sock} and {@code http.port}. */
  @Override
  public synchronized void close() {
    Server jetty = server;
    if (jetty == null) {
      return;
    }
    server = null;
    dispatcher = null;
    if (events != null) {
      // end every event stream with its last chunk before the connectors close
      events.close();
    }
    stopQuietly(jetty);
    try {
      Files.deleteIfExists(paths.socket());
      if (boundPort >= 0) {
        Files.deleteIfExists(paths.httpPort());
      }
    } catch (IOException e) {
      log.warn("could not remove {} or {}: {}", paths.socket(), paths.httpPort(), e.toString());
    }
    boundPort = -1;
  }

  private static void stopQuietly(Server jetty) {
    try {
      jetty.stop();
      jetty.join();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      log.warn("IPC server did not stop cleanly: {}", e.toString());
    }
  }

  @Override
  public String toString() {
    return "IpcServer{" + paths.socket() + (boundPort >= 0 ? ", 127.0.0.1:" + boundPort : "")
        + "}";
  }

  /** Configures an {@link IpcServer}; routes without a port answer 501. */
  public static final class Builder {
    private final DaemonPaths paths;
    private final RouteTable.Builder routes = new RouteTable.Builder();
    private boolean tcpEnabled;
    private int httpPort;
    private @Nullable LocalTokens tokens;
    private boolean publicHealthCheck;
    private List<String> originAllowlist = List.of();
    private int maxInFlight = IpcDispatcher.MAX_IN_FLIGHT;
    private double ratePerSecond = RateLimiter.DEFAULT_PER_SECOND;
    private long rateBurst = RateLimiter.DEFAULT_BURST;
    private LongSupplier nanoTime = System::nanoTime;
    private RequestObserver observer = RequestObserver.NONE;
    private @Nullable EventsPort events;
    private Duration keepaliveInterval = EventStreams.KEEPALIVE;
    private int maxStreams = EventStreams.MAX_STREAMS;
    private volatile SendGate sendGate = SendGate.OPEN;
    private Capabilities capabilities = Capabilities.NONE;

    private Builder(DaemonPaths paths) {
      this.paths = Objects.requireNonNull(paths, "paths == null");
    }

    /**
     * The {@code [ipc]} settings: TCP on or off, its port, public health, origin allowlist.
     *
     * @throws IllegalArgumentException when TCP is on with an {@code http_bind} other than
     *     loopback, which needs the separate token file this server does not serve yet
     */
    public Builder config(DaemonConfig config) {
      Objects.requireNonNull(config, "config == null");
      String bind = config.httpBind();
      if (config.tcpEnabled() && !bind.equals("127.0.0.1") && !bind.equals("localhost")) {
        throw new IllegalArgumentException("[ipc] http_bind = \"" + bind
            + "\" is not served yet; the IPC server binds TCP on 127.0.0.1 only");
      }
      tcp(config.tcpEnabled(), config.httpPort());
      publicHealthCheck(config.publicHealthCheck());
      return originAllowlist(config.originAllowlist());
    }

    /** TCP on 127.0.0.1 at {@code port} (0: a free one), or no TCP. */
    public Builder tcp(boolean enabled, int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port " + port + " is outside 0..65535");
      }
      this.tcpEnabled = enabled;
      this.httpPort = port;
      return this;
    }

    /** The bearer tokens TCP requests must present; required when TCP is on. */
    public Builder tokens(LocalTokens tokens) {
      this.tokens = Objects.requireNonNull(tokens, "tokens == null");
      return this;
    }

    public Builder publicHealthCheck(boolean publicHealthCheck) {
      this.publicHealthCheck = publicHealthCheck;
      return this;
    }

    public Builder originAllowlist(List<String> origins) {
      Objects.requireNonNull(origins, "origins == null");
      this.originAllowlist = List.copyOf(origins);
      return this;
    }

    public Builder send(SendPort port) {
      Objects.requireNonNull(port, "port == null");
      SendGate current = request -> sendGate.admit(request);
      route(Routes.Endpoint.TOPIC_POST, TopicHandlers.post(port, current));
      return route(Routes.Endpoint.SEND, new SendHandler(port, current));
    }

    /**
     * The last check of every send and topic post ({@code pre-send}, SPEC §9); may be set before
     * or after {@link #send}.
     */
    public Builder sendGate(SendGate gate) {
      this.sendGate = Objects.requireNonNull(gate, "gate == null");
      return this;
    }

    /** The short-lived scoped tokens the guard accepts besides the local token (SPEC §9). */
    public Builder capabilities(Capabilities capabilities) {
      this.capabilities = Objects.requireNonNull(capabilities, "capabilities == null");
      return this;
    }

    public Builder inbox(InboxPort port) {
      Objects.requireNonNull(port, "port == null");
      return route(Routes.Endpoint.INBOX, new InboxHandler(port));
    }

    public Builder topics(TopicPort port) {
      Objects.requireNonNull(port, "port == null");
      route(Routes.Endpoint.TOPIC_SUBSCRIBE, TopicHandlers.subscribe(port, true));
      route(Routes.Endpoint.TOPIC_UNSUBSCRIBE, TopicHandlers.subscribe(port, false));
      return route(Routes.Endpoint.TOPIC_LIST, TopicHandlers.list(port));
    }

    public Builder peers(PeersPort port) {
      Objects.requireNonNull(port, "port == null");
      return route(Routes.Endpoint.PEERS, PeerHandlers.peers(port));
    }

    public Builder profile(ProfilePort port) {
      Objects.requireNonNull(port, "port == null");
      return route(Routes.Endpoint.PROFILE, PeerHandlers.profile(port));
    }

    /** {@code GET /v1/outbox} and {@code POST /v1/outbox/requeue}. */
    public Builder outbox(OutboxPort port) {
      Objects.requireNonNull(port, "port == null");
      route(Routes.Endpoint.OUTBOX_REQUEUE, OutboxHandlers.requeue(port));
      return route(Routes.Endpoint.OUTBOX, OutboxHandlers.list(port));
    }

    /** {@code GET /v1/compat}. */
    public Builder compat(CompatInfo info) {
      Objects.requireNonNull(info, "info == null");
      return route(Routes.Endpoint.COMPAT, ReadHandlers.compat(info));
    }

    /** {@code POST /v1/heartbeat}: callers' liveness, recorded in {@code heartbeats}. */
    public Builder heartbeats(Heartbeats heartbeats) {
      Objects.requireNonNull(heartbeats, "heartbeats == null");
      return route(Routes.Endpoint.HEARTBEAT, ReadHandlers.heartbeat(heartbeats));
    }

    public Builder health(HealthPort port) {
      Objects.requireNonNull(port, "port == null");
      return route(Routes.Endpoint.HEALTH, ReadHandlers.health(port));
    }

    public Builder version(VersionInfo info) {
      Objects.requireNonNull(info, "info == null");
      return route(Routes.Endpoint.VERSION, ReadHandlers.version(info));
    }

    /** The daemon's control routes under {@code /v1/daemon/}, served on the socket only. */
    public Builder control(ControlPort port) {
      Objects.requireNonNull(port, "port == null");
      route("POST", ControlHandlers.RELOAD, ControlHandlers.reload(port));
      route("POST", ControlHandlers.ROTATE_TOKEN, ControlHandlers.rotateToken(port));
      return route("POST", ControlHandlers.SHUTDOWN, ControlHandlers.shutdown(port));
    }

    /**
     * Serves {@code GET /v1/metrics} from {@code metrics} (behind the same guard as every route)
     * and counts every answered request in it ({@code cm_daemon_ipc_request_total},
     * {@code cm_daemon_ipc_duration_seconds}).
     */
    public Builder metrics(DaemonMetrics metrics) {
      Objects.requireNonNull(metrics, "metrics == null");
      this.observer = (routePath, status, transport, nanos) -> metrics.recordIpcRequest(routePath,
          status, transport.name().toLowerCase(Locale.ROOT), nanos);
      return route(Routes.Endpoint.METRICS, call -> new ApiResponse(200,
          DaemonMetrics.CONTENT_TYPE, metrics.scrape(), Map.of()));
    }

    /** {@code GET /v1/events}: the event stream (SPEC §3.4) of {@code port}. */
    public Builder events(EventsPort port) {
      this.events = Objects.requireNonNull(port, "port == null");
      return this;
    }

    /** How often an idle event stream gets a keepalive comment; 15 s unless set. */
    public Builder keepaliveInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval == null");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("keepalive interval must be positive, got " + interval);
      }
      this.keepaliveInterval = interval;
      return this;
    }

    Builder maxStreams(int maxStreams) {
      this.maxStreams = maxStreams;
      return this;
    }

    Builder route(Routes.Endpoint endpoint, RouteHandler handler) {
      routes.route(endpoint, handler);
      return this;
    }

    Builder route(String method, String path, RouteHandler handler) {
      routes.route(method, path, handler);
      return this;
    }

    Builder maxInFlight(int maxInFlight) {
      this.maxInFlight = maxInFlight;
      return this;
    }

    /**
     * Adds {@code GET /v1/_noop}: answers 200 {@code {}} after the same guard as every route, so a
     * benchmark can compare a route's cost with the server's own. Off unless asked for; the
     * daemon never serves it.
     */
    public Builder noopRouteForBenchmarks() {
      return route("GET", NOOP_PATH, call -> ApiResponse.json(200, java.util.Map.of()));
    }

    /**
     * The per-caller request rate (SPEC §3.2: 100/s sustained, bursts of 1,000). Benchmarks raise
     * it to measure the server rather than the limiter; the daemon keeps the default.
     */
    public Builder rateLimit(double perSecond, long burst) {
      return rateLimit(perSecond, burst, System::nanoTime);
    }

    Builder rateLimit(double perSecond, long burst, LongSupplier nanoTime) {
      this.ratePerSecond = perSecond;
      this.rateBurst = burst;
      this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime == null");
      return this;
    }

    public IpcServer build() {
      if (tcpEnabled && tokens == null) {
        throw new IllegalStateException("TCP is enabled but no tokens were given");
      }
      return new IpcServer(this);
    }
  }
}
