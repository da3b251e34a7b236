package dev.claudemesh.broker;

import dev.claudemesh.broker.store.BrokerStore;
import dev.claudemesh.broker.store.ConnectionPolicy;
import dev.claudemesh.broker.store.Member;
import dev.claudemesh.broker.store.Mesh;
import dev.claudemesh.broker.store.SqliteBrokerStore;
import dev.claudemesh.broker.store.SweepResult;
import dev.claudemesh.core.protocol.FeatureNegotiation;
import dev.claudemesh.core.protocol.Frames;
import dev.claudemesh.core.protocol.SendFrame;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The claudemesh reference broker (SPEC §8): the WebSocket protocol of SPEC §7 at {@code /ws},
 * {@code POST /v1/join}, {@code GET /healthz} and {@code GET /metrics} on one port, over a SQLite
 * store. Build one with {@link #builder()}, {@link #start()} it, {@link #close()} it.
 *
 * <p>The admin operations ({@link #createMesh}, {@link #createInvite}, {@link #revokeMember},
 * {@link #deleteTopic}) work with or without the server running; they open the store on first
 * use. Thread-safe.
 */
public final class ReferenceBroker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReferenceBroker.class);
  /** The broker version reported in {@code hello_ack} and {@code /healthz}. */
  public static final String VERSION = "0.1.0";
  /** Frames Jetty may hold for one connection before the peer is dropped as not reading. */
  static final int MAX_OUTGOING_FRAMES = 8192;

  private final Settings settings;
  private final BrokerMetrics metrics = new BrokerMetrics();
  private @Nullable BrokerStore store;
  private @Nullable Server server;
  private @Nullable ScheduledExecutorService scheduler;
  private @Nullable Hub hub;
  private int boundPort = -1;
  private boolean closed;
  private @Nullable BiConsumer<Member, SendFrame> betweenB1AndB2;

  ReferenceBroker(Settings settings) {
    this.settings = settings;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Opens the store and starts serving. Returns once the port is bound.
   *
   * @throws IOException if the store cannot be opened or the port cannot be bound
   * @throws IllegalStateException if already started or closed
   */
  public synchronized ReferenceBroker start() throws IOException {
    if (closed) {
      throw new IllegalStateException("broker is closed");
    }
    if (server != null) {
      throw new IllegalStateException("broker already started on port " + boundPort);
    }
    BrokerStore opened = store();
    AtomicInteger threads = new AtomicInteger();
    ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
      Thread t = new Thread(r, "claudemesh-broker-maintenance-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    QueuedThreadPool pool = new QueuedThreadPool(200, 8);
    pool.setName("claudemesh-broker-http");
    pool.setDaemon(true);
    Hub hub = new Hub(settings, opened, metrics, scheduler, pool);
    hub.sends.betweenB1AndB2 = betweenB1AndB2;
    hub.sends.faults = settings.faults();

    Server server = new Server(pool);
    ServerConnector connector = new ServerConnector(server);
    connector.setHost(settings.host());
    connector.setPort(settings.port());
    server.addConnector(connector);
    ContextHandler context = new ContextHandler("/");
    WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(server, context, container -> {
      // Frames over the protocol limit are refused by Frames.decode with an invalid_frame answer;
      // Jetty's own limit sits above it so such a frame does not cost the connection.
      container.setMaxTextMessageSize(Connection.MAX_MESSAGE_CHARS);
      // a peer that stops reading cannot make the broker queue frames for it without bound: past
      // this many unsent frames a write fails and the connection is dropped
      container.setMaxOutgoingFrames(MAX_OUTGOING_FRAMES);
      container.setIdleTimeout(settings.silenceTimeout().plusSeconds(15));
      // No permessage-deflate: DM bodies are ciphertext, which does not compress, and inflating and
      // deflating every frame on both ends cost more CPU than the broker's own work per message.
      container.addMapping("/ws", (request, response, callback) -> {
        response.setExtensions(List.of());
        return hub.newConnection();
      });
      if (settings.echoEndpoint()) {
        container.addMapping(EchoEndpoint.PATH, (request, response, callback) -> {
          response.setExtensions(List.of()); // the same transport as /ws
          return new EchoEndpoint();
        });
      }
    });
    ws.setHandler(new HttpRoutes(settings, opened, metrics, hub, this::wsUrl));
    context.setHandler(ws);
    server.setHandler(context);
    try {
      server.start();
    } catch (Exception e) {
      scheduler.shutdownNow();
      try {
        server.stop();
      } catch (Exception ignored) {
        // failed start
      }
      throw new IOException("cannot serve on " + settings.host() + ":" + settings.port() + ": " + e.getMessage(), e);
    }
    this.server = server;
    this.scheduler = scheduler;
    this.hub = hub;
    this.boundPort = connector.getLocalPort();
    long tick = settings.maintenanceInterval().toMillis();
    scheduler.scheduleWithFixedDelay(guard("maintenance", hub::maintain), tick, tick, TimeUnit.MILLISECONDS);
    long sweep = settings.sweepInterval().toMillis();
    scheduler.scheduleWithFixedDelay(guard("retention sweep", () -> {
      try {
        sweepRetention();
      } catch (IOException e) {
        log.warn("retention sweep failed: {}", e.getMessage());
      }
    }), sweep, sweep, TimeUnit.MILLISECONDS);
    log.info("claudemesh-broker {} serving {} (db {}, dedupe {} {} d, messages {} d, lease {} s, grace {} s,"
            + " rate {}/{} s, default policy {})", VERSION, wsUrl(), settings.dbPath().getFileName(),
        settings.permanentDedupe() ? "permanent" : "retention_scoped", settings.dedupeRetentionDays(),
        settings.messageRetentionDays(), settings.deliveryLease().toSeconds(), settings.presenceGrace().toSeconds(),
        settings.rateLimit(), settings.rateWindow().toSeconds(), settings.defaultPolicy().wireName());
    return this;
  }

  private static Runnable guard(String what, Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) { // a failed pass must not cancel the schedule
        log.error("{} failed", what, e);
      }
    };
  }

  private synchronized BrokerStore store() throws IOException {
    if (closed) {
      throw new IllegalStateException("broker is closed");
    }
    if (store == null) {
      store = SqliteBrokerStore.open(settings.dbPath());
    }
    return store;
  }

  private synchronized Hub hubOrThrow() {
    if (hub == null) {
      throw new IllegalStateException("broker is not started");
    }
    return hub;
  }

  /** The bound port. @throws IllegalStateException before {@link #start()} */
  public synchronized int port() {
    if (boundPort < 0) {
      throw new IllegalStateException("broker is not started");
    }
    return boundPort;
  }

  /** {@code ws://host:port/ws}. */
  public String wsUrl() {
    return "ws://" + hostForUrl() + ":" + port() + "/ws";
  }

  /**
   * {@code ws://host:port/echo}, the raw echo of {@link Builder#echoEndpointForBenchmarks}.
   *
   * @throws IllegalStateException if the echo endpoint is not enabled
   */
  public String echoUrl() {
    if (!settings.echoEndpoint()) {
      throw new IllegalStateException("the echo endpoint is off; see Builder.echoEndpointForBenchmarks");
    }
    return "ws://" + hostForUrl() + ":" + port() + EchoEndpoint.PATH;
  }

  /** {@code http://host:port}, the base of {@code /v1/join}, {@code /healthz}, {@code /metrics}. */
  public String httpUrl() {
    return "http://" + hostForUrl() + ":" + port();
  }

  private String hostForUrl() {
    String host = settings.host();
    return host.contains(":") ? "[" + host + "]" : host;
  }

  // ---- admin operations ----

  /** Creates a mesh with the broker's default connection policy. */
  public Mesh createMesh(String slug) throws IOException {
    return createMesh(slug, settings.defaultPolicy());
  }

  /**
   * Creates a mesh.
   *
   * @throws IllegalArgumentException if the slug is not 1-64 of {@code a-z 0-9 -}
   * @throws IllegalStateException if the slug is taken
   */
  public Mesh createMesh(String slug, ConnectionPolicy policy) throws IOException {
    Objects.requireNonNull(slug, "slug == null");
    Objects.requireNonNull(policy, "policy == null");
    if (!slug.matches("[a-z0-9][a-z0-9-]{0,63}")) {
      throw new IllegalArgumentException("mesh slug '" + slug + "' must be 1-64 of a-z, 0-9 and '-'");
    }
    Mesh mesh = store().createMesh(slug, policy, settings.clock().millis());
    log.info("mesh {} created ({}, {})", slug, mesh.id(), policy.wireName());
    return mesh;
  }

  /** Creates an invite for {@code slug} valid for the builder's invite TTL; returns its token. */
  public String createInvite(String slug, int uses, boolean ephemeral) throws IOException {
    return createInvite(slug, uses, ephemeral, settings.inviteTtl());
  }

  /**
   * Creates an invite with {@code uses} uses for {@code slug}, expiring after {@code ttl}; returns
   * its token (32 random bytes, base64url, never beginning with {@code -}).
   *
   * @throws IllegalArgumentException if there is no such mesh or {@code uses < 1}
   */
  public String createInvite(String slug, int uses, boolean ephemeral, Duration ttl) throws IOException {
    Objects.requireNonNull(slug, "slug == null");
    Objects.requireNonNull(ttl, "ttl == null");
    if (uses < 1) {
      throw new IllegalArgumentException("uses must be at least 1, got " + uses);
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive, got " + ttl);
    }
    Mesh mesh = meshBySlugOrId(slug).orElseThrow(() -> new IllegalArgumentException("no mesh '" + slug + "'"));
    // A token is pasted into command lines: one that began with '-' would read as an option
    // ("-h…" as help), so draw again (1 in 64) rather than make users type "--".
    SecureRandom rng = new SecureRandom();
    byte[] random = new byte[32];
    String token;
    do {
      rng.nextBytes(random);
      token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    } while (token.startsWith("-"));
    long now = settings.clock().millis();
    store().createInvite(mesh.id(), token, uses, ephemeral, now + ttl.toMillis(), now);
    log.info("invite created for mesh {} ({} uses{}, expires in {} h)", mesh.slug(), uses,
        ephemeral ? ", ephemeral" : "", ttl.toHours());
    return token;
  }

  /**
   * Revokes every membership of {@code pubkey}; live connections get a {@code member_revoked}
   * system push and are closed with 4002. Returns the number of memberships revoked.
   */
  public int revokeMember(String pubkey) throws IOException {
    Objects.requireNonNull(pubkey, "pubkey == null");
    List<Member> revoked = store().revokeMember(pubkey);
    Hub live;
    synchronized (this) {
      live = hub;
    }
    if (live != null) {
      live.revoked(revoked);
    }
    log.info("member key {} revoked from {} mesh(es)", pubkey, revoked.size());
    return revoked.size();
  }

  /** Deletes a topic of the mesh named by slug or id; false if there was no such topic. */
  public boolean deleteTopic(String meshSlugOrId, String name) throws IOException {
    Objects.requireNonNull(name, "name == null");
    Mesh mesh = meshBySlugOrId(meshSlugOrId)
        .orElseThrow(() -> new IllegalArgumentException("no mesh '" + meshSlugOrId + "'"));
    return store().deleteTopic(mesh.id(), name);
  }

  /** The mesh with this slug or id. */
  public Optional<Mesh> mesh(String slugOrId) throws IOException {
    return meshBySlugOrId(slugOrId);
  }

  private Optional<Mesh> meshBySlugOrId(String slugOrId) throws IOException {
    Objects.requireNonNull(slugOrId, "meshSlugOrId == null");
    Optional<Mesh> bySlug = store().meshBySlug(slugOrId);
    return bySlug.isPresent() ? bySlug : store().meshById(slugOrId);
  }

  /**
   * Runs the retention sweep of SPEC §8.3 now (it also runs on a schedule) and updates the
   * orphan gauge.
   */
  public SweepResult sweepRetention() throws IOException {
    long now = settings.clock().millis();
    SweepResult result = store().sweep(now, settings.permanentDedupe(),
        now - settings.messageRetentionDays() * 86_400_000L);
    metrics.sweeps.inc();
    metrics.dedupeOrphans.set(result.orphansFound());
    if (result.orphansFound() > 0) {
      log.warn("retention sweep found {} dedupe rows claiming history whose message is gone", result.orphansFound());
    }
    log.info("retention sweep: {} dedupe rows expired, {} messages deleted, {} dedupe rows lost history",
        result.dedupeRowsDeleted(), result.messagesDeleted(), result.dedupeRowsHistoryGone());
    return result;
  }

  /**
   * Runs one maintenance pass now (it also runs on a schedule): keepalive pings and idle closes,
   * presence grace expiry, redelivery of rows whose lease ran out.
   */
  public void runMaintenance() {
    hubOrThrow().maintain();
  }

  /** The current metrics in Prometheus text format, as {@code GET /metrics} serves them. */
  public String metricsText() {
    return metrics.scrape();
  }

  /** Open (unacknowledged) delivery rows of a member. */
  public long openDeliveries(String memberId) throws IOException {
    return store().openDeliveries(memberId);
  }

  /** Test seam: code run after B1 and before B2 of every send. */
  synchronized void betweenB1AndB2(@Nullable BiConsumer<Member, SendFrame> hook) {
    betweenB1AndB2 = hook;
    if (hub != null) {
      hub.sends.betweenB1AndB2 = hook;
    }
  }

  /** Stops serving (connections get 1001), stops every thread, closes the store. Idempotent. */
  @Override
  public void close() {
    Server s;
    ScheduledExecutorService sched;
    Hub h;
    BrokerStore st;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      s = server;
      sched = scheduler;
      h = hub;
      st = store;
    }
    if (h != null) {
      h.closeAll();
    }
    if (s != null) {
      try {
        s.stop();
      } catch (Exception e) {
        log.warn("stopping the HTTP server failed: {}", e.toString());
      }
    }
    if (sched != null) {
      sched.shutdownNow();
      try {
        sched.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (st != null) {
      st.close();
    }
    if (s != null) {
      log.info("claudemesh-broker stopped");
    }
  }

  /** The default feature advertisement for a configuration (SPEC §7.2). */
  static Map<String, Map<String, @Nullable Object>> defaultFeatures(
      boolean permanent, int retentionDays, ConnectionPolicy policy, long inlineBytes) {
    Map<String, Map<String, @Nullable Object>> features = new LinkedHashMap<>();
    Map<String, @Nullable Object> dedupe = new LinkedHashMap<>();
    dedupe.put("version", 1);
    dedupe.put("mode", permanent ? "permanent" : "retention_scoped");
    if (!permanent) {
      dedupe.put("dedupe_retention_days", retentionDays);
    }
    dedupe.put("request_fingerprint", true);
    features.put(FeatureNegotiation.CLIENT_MESSAGE_ID_DEDUPE, dedupe);
    Map<String, @Nullable Object> policyParams = new LinkedHashMap<>();
    policyParams.put("version", 1);
    policyParams.put("default_policy", policy.wireName());
    features.put(FeatureNegotiation.CONCURRENT_CONNECTION_POLICY, policyParams);
    Map<String, @Nullable Object> payload = new LinkedHashMap<>();
    payload.put("version", 1);
    payload.put("inline_bytes", inlineBytes);
    payload.put("blob_bytes", inlineBytes);
    features.put(FeatureNegotiation.MAX_PAYLOAD, payload);
    return features;
  }

  /** Configures a {@link ReferenceBroker}; {@link #dbPath} is required. */
  public static final class Builder {
    private @Nullable Path dbPath;
    private String host = "127.0.0.1";
    private int port = 0;
    private Clock clock = Clock.systemUTC();
    private @Nullable Map<String, Map<String, @Nullable Object>> advertisedFeatures;
    private boolean permanentDedupe;
    private int dedupeRetentionDays = 30;
    private int messageRetentionDays = 30;
    private long inlineBytes = 1 << 20;
    private Duration deliveryLease = Duration.ofSeconds(30);
    private Duration presenceGrace = Duration.ofSeconds(90);
    private int rateLimit = 10_000;
    private Duration rateWindow = Duration.ofMinutes(1);
    private ConnectionPolicy defaultPolicy = ConnectionPolicy.PREFER_NEWEST;
    private Duration helloTimeout = Duration.ofSeconds(5);
    private Duration keepaliveInterval = Duration.ofSeconds(30);
    private Duration silenceTimeout = Duration.ofSeconds(75);
    private Duration maintenanceInterval = Duration.ofSeconds(1);
    private Duration sweepInterval = Duration.ofHours(24);
    private Duration inviteTtl = Duration.ofDays(7);
    private FaultInjection faults = FaultInjection.NONE;
    private int maxPendingHellos = 512;
    private boolean echoEndpoint;

    Builder() {}

    /** The SQLite file (created with mode 0600 when missing). Required. */
    public Builder dbPath(Path dbPath) {
      this.dbPath = Objects.requireNonNull(dbPath, "dbPath == null");
      return this;
    }

    /** Interface to bind; default {@code 127.0.0.1}. */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host == null");
      return this;
    }

    /** Port to bind; 0 (the default) picks a free one, see {@link ReferenceBroker#port()}. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0-65535, got " + port);
      }
      this.port = port;
      return this;
    }

    /** The clock for skew checks, leases, presence, retention and rate windows. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /**
     * Replaces the feature advertisement (name → params) sent in {@code
     * feature_negotiation_response}, for example to test a client against a wrong one. By default
     * it is derived from the dedupe, policy and payload settings.
     */
    public Builder advertisedFeatures(Map<String, Map<String, @Nullable Object>> features) {
      Objects.requireNonNull(features, "features == null");
      Map<String, Map<String, @Nullable Object>> copy = new LinkedHashMap<>();
      features.forEach((k, v) -> copy.put(k, Collections.unmodifiableMap(new LinkedHashMap<>(v))));
      this.advertisedFeatures = Collections.unmodifiableMap(copy);
      return this;
    }

    /** {@code retention_scoped} with {@code days} of dedupe retention (default 30; at least 3). */
    public Builder dedupeRetentionScoped(int days) {
      if (days < FeatureNegotiation.MIN_RETENTION_DAYS) {
        throw new IllegalArgumentException("dedupeRetentionDays must be at least "
            + FeatureNegotiation.MIN_RETENTION_DAYS + ", got " + days);
      }
      this.permanentDedupe = false;
      this.dedupeRetentionDays = days;
      return this;
    }

    /** {@code permanent} dedupe: rows never expire. */
    public Builder dedupePermanent() {
      this.permanentDedupe = true;
      return this;
    }

    /** Days a message (and its history) is kept; default 30. */
    public Builder messageRetentionDays(int days) {
      if (days < 1) {
        throw new IllegalArgumentException("messageRetentionDays must be at least 1, got " + days);
      }
      this.messageRetentionDays = days;
      return this;
    }

    /** Largest payload accepted inline, in bytes; default 1 MiB, at least 1024. */
    public Builder inlineBytes(long bytes) {
      if (bytes < FeatureNegotiation.MIN_PAYLOAD_BYTES || bytes > Frames.MAX_INLINE_BYTES) {
        throw new IllegalArgumentException("inlineBytes must be 1024-" + Frames.MAX_INLINE_BYTES + " (what one frame"
            + " carries), got " + bytes);
      }
      this.inlineBytes = bytes;
      return this;
    }

    /** How long a pushed delivery waits for its client_ack before it is pushed again; default 30 s. */
    public Builder deliveryLease(Duration lease) {
      this.deliveryLease = positive(lease, "deliveryLease");
      return this;
    }

    /** How long presence survives a disconnect; default 90 s. */
    public Builder presenceGrace(Duration grace) {
      Objects.requireNonNull(grace, "presenceGrace == null");
      if (grace.isNegative()) {
        throw new IllegalArgumentException("presenceGrace must not be negative, got " + grace);
      }
      this.presenceGrace = grace;
      return this;
    }

    /** At most {@code sends} sends per member per {@code window}; default 10,000 per minute. */
    public Builder rateLimit(int sends, Duration window) {
      if (sends < 1) {
        throw new IllegalArgumentException("rateLimit sends must be at least 1, got " + sends);
      }
      this.rateLimit = sends;
      this.rateWindow = positive(window, "rateLimit window");
      return this;
    }

    /** The connection policy of meshes created without one; default prefer_newest. */
    public Builder defaultConnectionPolicy(ConnectionPolicy policy) {
      this.defaultPolicy = Objects.requireNonNull(policy, "policy == null");
      return this;
    }

    /** Real time a new connection has to send its hello; default 5 s. */
    public Builder helloTimeout(Duration timeout) {
      this.helloTimeout = positive(timeout, "helloTimeout");
      return this;
    }

    /** Ping a connection idle this long (by the broker clock); default 30 s. */
    public Builder keepaliveInterval(Duration interval) {
      this.keepaliveInterval = positive(interval, "keepaliveInterval");
      return this;
    }

    /** Close a connection silent this long (by the broker clock); default 75 s. */
    public Builder silenceTimeout(Duration timeout) {
      this.silenceTimeout = positive(timeout, "silenceTimeout");
      return this;
    }

    /** Real-time period of the maintenance pass; default 1 s. */
    public Builder maintenanceInterval(Duration interval) {
      this.maintenanceInterval = positive(interval, "maintenanceInterval");
      return this;
    }

    /** Real-time period of the retention sweep; default 24 h. */
    public Builder sweepInterval(Duration interval) {
      this.sweepInterval = positive(interval, "sweepInterval");
      return this;
    }

    /** Lifetime of invites created without an explicit TTL; default 7 days. */
    public Builder inviteTtl(Duration ttl) {
      this.inviteTtl = positive(ttl, "inviteTtl");
      return this;
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name + " == null");
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got " + d);
      }
      return d;
    }

    /**
     * How many sockets may wait for their hello at once (default 512); past that a new socket is
     * closed with 1013 (try again later), so a flood of idle sockets cannot exhaust the broker.
     */
    public Builder maxPendingHellos(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxPendingHellos must be at least 1, got " + max);
      }
      this.maxPendingHellos = max;
      return this;
    }

    /**
     * Installs hooks that make the broker fail on purpose (lost acks, lost {@code client_ack}s),
     * for testing clients. Never use it in production.
     */
    public Builder faultInjectionForTests(FaultInjection faults) {
      this.faults = Objects.requireNonNull(faults, "faults == null");
      return this;
    }

    /**
     * Serves a raw WebSocket echo at {@code /echo} beside {@code /ws} (default off): a benchmark
     * aid that measures the bare transport through the same server, connector and thread pool.
     * It answers anyone without a hello; never enable it on a broker that others can reach.
     */
    public Builder echoEndpointForBenchmarks(boolean enabled) {
      this.echoEndpoint = enabled;
      return this;
    }

    public ReferenceBroker build() {
      if (dbPath == null) {
        throw new IllegalStateException("dbPath is required");
      }
      if (!keepaliveInterval.minus(silenceTimeout).isNegative()) {
        throw new IllegalStateException("keepaliveInterval (" + keepaliveInterval
            + ") must be shorter than silenceTimeout (" + silenceTimeout + ")");
      }
      Map<String, Map<String, @Nullable Object>> features = advertisedFeatures != null ? advertisedFeatures
          : defaultFeatures(permanentDedupe, dedupeRetentionDays, defaultPolicy, inlineBytes);
      return new ReferenceBroker(new Settings(dbPath, host, port, clock, features, permanentDedupe,
          dedupeRetentionDays, messageRetentionDays, inlineBytes, deliveryLease, presenceGrace, rateLimit,
          rateWindow, defaultPolicy, helloTimeout, keepaliveInterval, silenceTimeout, maintenanceInterval,
          sweepInterval, inviteTtl, faults, maxPendingHellos, echoEndpoint));
    }
  }
}
