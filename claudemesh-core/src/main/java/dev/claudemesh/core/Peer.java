package dev.claudemesh.core;

import dev.claudemesh.core.broker.BrokerConnection;
import dev.claudemesh.core.broker.BrokerErrorException;
import dev.claudemesh.core.broker.BrokerFatalException;
import dev.claudemesh.core.broker.BrokerListener;
import dev.claudemesh.core.crypto.Ed25519SigningKey;
import dev.claudemesh.core.delivery.DrainWorker;
import dev.claudemesh.core.delivery.InboundHandler;
import dev.claudemesh.core.events.EventBus;
import dev.claudemesh.core.events.EventKinds;
import dev.claudemesh.core.events.PeerEvent;
import dev.claudemesh.core.fingerprint.DestinationKind;
import dev.claudemesh.core.fingerprint.FingerprintRequest;
import dev.claudemesh.core.identity.ClonePolicy;
import dev.claudemesh.core.identity.DaemonPaths;
import dev.claudemesh.core.identity.Identity;
import dev.claudemesh.core.identity.IdentityMode;
import dev.claudemesh.core.identity.MeshConfig;
import dev.claudemesh.core.jcs.Jcs;
import dev.claudemesh.core.protocol.FeatureNegotiation;
import dev.claudemesh.core.protocol.Frame;
import dev.claudemesh.core.protocol.Frames;
import dev.claudemesh.core.protocol.HelloAck;
import dev.claudemesh.core.protocol.NegotiatedFeatures;
import dev.claudemesh.core.protocol.NegotiationFailure;
import dev.claudemesh.core.protocol.PeerInfo;
import dev.claudemesh.core.protocol.PeersList;
import dev.claudemesh.core.protocol.Push;
import dev.claudemesh.core.protocol.Request;
import dev.claudemesh.core.protocol.Target;
import dev.claudemesh.core.protocol.TopicInfo;
import dev.claudemesh.core.protocol.TopicsList;
import dev.claudemesh.core.store.AcceptResult;
import dev.claudemesh.core.store.ClientMessageIds;
import dev.claudemesh.core.store.Inbox;
import dev.claudemesh.core.store.InboxPage;
import dev.claudemesh.core.store.InboxQuery;
import dev.claudemesh.core.store.MaxAge;
import dev.claudemesh.core.store.Outbox;
import dev.claudemesh.core.store.OutboxStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded claudemesh peer (SPEC §6): identity, the durable outbox and inbox, the broker
 * connection, the drain worker and the event bus of one daemon directory, wired together.
 *
 * <pre>{@code
 * try (Peer peer = Peer.builder(DaemonPaths.resolve(System.getenv(), "dev")).open()) {
 *   AcceptResult r = peer.send(SendRequest.of("#ops", "deploy finished"));
 *   try (var events = peer.events(e -> System.out.println(e.kind()))) { ... }
 * }
 * }</pre>
 *
 * <p>{@link #send} has the accept semantics of SPEC §4.4 and returns once the row is durable; the
 * drain worker delivers it in the background. Thread-safe. {@link #close()} stops every thread
 * the peer started.
 */
public final class Peer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Peer.class);
  private static final Pattern PUBKEY = Pattern.compile("[0-9a-fA-F]{64}");
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
  /** Box overhead: a sealed DM is this much longer than its plaintext. */
  private static final int BOX_MAC = 16;
  private static final java.util.Set<OutboxStatus> UNSENT =
      java.util.Collections.unmodifiableSet(java.util.EnumSet.of(OutboxStatus.PENDING, OutboxStatus.INFLIGHT));

  /** This library's version, reported in health. */
  public static final String VERSION = "0.1.0-SNAPSHOT";

  private final Identity identity;
  private final MeshConfig mesh;
  private final Clock clock;
  private final Instant startedAt;
  private final OptionalLong maxAgeOverrideHours;
  private final Outbox outbox;
  private final Inbox inbox;
  private final EventBus events;
  private final BrokerConnection connection;
  private final InboundHandler inbound;
  private final DrainWorker drain;
  private final AtomicLong reqIds = new AtomicLong();
  private volatile boolean everConnected;
  private volatile @Nullable BrokerFatalException fatal;
  private volatile boolean closed;

  private Peer(Builder b, Identity identity, MeshConfig mesh, Outbox outbox, Inbox inbox, EventBus events) {
    this.identity = identity;
    this.mesh = mesh;
    this.clock = b.clock;
    this.startedAt = clock.instant();
    this.maxAgeOverrideHours = b.maxAgeOverrideHours;
    this.outbox = outbox;
    this.inbox = inbox;
    this.events = events;
    this.connection = openConnection(b, identity, mesh, new Listener());
    this.inbound = new InboundHandler(inbox, connection, identity.keyRing(), events, clock);
    this.drain = new DrainWorker(outbox, connection, identity::signingKey, events, clock, this::maxAge, b.maxInflight);
  }

  public static Builder builder(DaemonPaths paths) {
    return new Builder(paths);
  }

  /**
   * Joins a mesh through {@code invite} at {@code brokerUrl} (SPEC §2.1, §8.6): mints a member key,
   * registers it with the broker and writes {@code mesh.json} and {@code keypair.json} under {@code
   * paths}. Returns the mesh as recorded.
   *
   * @throws PeerException with the broker's error code when it refuses the invite
   * @throws IOException on transport failures or when the files cannot be written
   */
  public static MeshConfig join(DaemonPaths paths, Map<String, String> env, String brokerUrl, String invite,
      String displayName) throws IOException, PeerException {
    Objects.requireNonNull(paths, "paths == null");
    Objects.requireNonNull(brokerUrl, "brokerUrl == null");
    Objects.requireNonNull(invite, "invite == null");
    Objects.requireNonNull(displayName, "displayName == null");
    Identity identity = Identity.builder(paths).env(env).persistent(true).open();
    Ed25519SigningKey key = Ed25519SigningKey.generate();
    MeshConfig joined = MeshJoin.join(brokerUrl, invite, key, displayName, Clock.systemUTC());
    identity.join(joined, key);
    return joined;
  }

  // ------------------------------------------------------------------------------------ sends

  /**
   * Accepts a send (SPEC §4.4): validates, resolves the destination, fingerprints, and applies the
   * outbox table in one durable transaction. The result says 202 queued/inflight, 200 duplicate,
   * 409 conflict or 507; it is returned only after the commit is durable.
   *
   * @throws PeerException 400 for invalid input, 413 for a body over the broker's inline limit,
   *     422 for an unknown peer name, 503 when the broker stopped this peer
   * @throws IOException when the outbox cannot be written
   */
  public AcceptResult send(SendRequest send) throws PeerException, IOException {
    Objects.requireNonNull(send, "send == null");
    requireOpen();
    BrokerFatalException stopped = fatal;
    if (stopped != null) {
      throw new PeerException(PeerException.BROKER_UNAVAILABLE, 503,
          "the broker stopped this peer: " + stopped.getMessage());
    }
    String id;
    try {
      id = ClientMessageIds.resolve(send.idempotencyKey(), send.clientMessageId());
    } catch (IllegalArgumentException e) {
      throw PeerException.invalid(e.getMessage());
    }
    DestinationKind kind;
    String ref;
    String to = send.to();
    if (PUBKEY.matcher(to).matches()) {
      kind = DestinationKind.DM;
      ref = to.toLowerCase(java.util.Locale.ROOT);
    } else if (Target.isBroadcast(to)) {
      kind = DestinationKind.TOPIC;
      ref = to;
    } else if (to.startsWith("#")) {
      kind = DestinationKind.TOPIC;
      ref = to.substring(1);
      try {
        Target.checkTopicName(ref);
      } catch (IllegalArgumentException e) {
        throw PeerException.invalid("to: " + e.getMessage());
      }
    } else {
      kind = DestinationKind.DM;
      ref = resolvePeerName(to);
    }
    int bodyBytes = send.message().getBytes(StandardCharsets.UTF_8).length;
    int limit = negotiated().inlineBytes() - (kind == DestinationKind.DM ? BOX_MAC : 0);
    if (bodyBytes > limit) {
      throw new PeerException(PeerException.PAYLOAD_TOO_LARGE, 413,
          "message is " + bodyBytes + " bytes; the broker accepts at most " + limit);
    }
    if (send.meta() != null) {
      int metaChars;
      try {
        metaChars = Jcs.canonicalizeValue(send.meta()).length();
      } catch (IllegalArgumentException e) {
        throw PeerException.invalid("meta: " + e.getMessage());
      }
      if (metaChars > Frames.MAX_META_CHARS) {
        throw new PeerException(PeerException.PAYLOAD_TOO_LARGE, 413,
            "meta is " + metaChars + " characters of JSON; at most " + Frames.MAX_META_CHARS);
      }
    }
    FingerprintRequest request;
    try {
      request = FingerprintRequest.builder()
          .destinationKind(kind)
          .destinationRef(ref)
          .replyToId(send.replyToId())
          .priority(send.priority())
          .meta(send.meta())
          .body(send.message())
          .build();
    } catch (IllegalArgumentException e) {
      throw PeerException.invalid(e.getMessage());
    }
    AcceptResult result = outbox.accept(id, request);
    if (result.kind() == AcceptResult.Kind.QUEUED) {
      drain.wake();
    }
    return result;
  }

  private String resolvePeerName(String name) throws PeerException, IOException {
    List<String> matches = new ArrayList<>();
    for (PeerInfo peer : peers()) {
      if (peer.displayName().equals(name)) {
        matches.add(peer.pubkey());
      }
    }
    if (matches.size() == 1) {
      return matches.get(0);
    }
    throw new PeerException(PeerException.DESTINATION_UNRESOLVABLE, 422, matches.isEmpty()
        ? "no live peer is named \"" + name + "\" (use a 64-hex member pubkey, #topic or *)"
        : matches.size() + " live peers are named \"" + name + "\"; use the member pubkey");
  }

  // ------------------------------------------------------------------------------ inbox, events

  /** Inbox rows, newest first, keyset-paged (SPEC §3.3 {@code GET /v1/inbox}). */
  public InboxPage inbox(InboxQuery query) throws IOException {
    requireOpen();
    return inbox.query(query);
  }

  /** Delivers every event from now on to {@code listener} until the returned handle is closed. */
  public EventBus.Subscription events(Consumer<PeerEvent> listener) {
    requireOpen();
    return events.subscribe(listener);
  }

  /** The event bus itself, for replay ({@code Last-Event-ID}). */
  public EventBus eventBus() {
    return events;
  }

  /** The outbox, for operator views (list, inspect, requeue). */
  public Outbox outbox() {
    return outbox;
  }

  // --------------------------------------------------------------------------- broker requests

  /** Live peers, from the broker. */
  public List<PeerInfo> peers() throws PeerException, IOException {
    return ((PeersList) call(Request.listPeers(nextReqId()))).peers();
  }

  /** Topics in the mesh and whether this member is subscribed. */
  public List<TopicInfo> topics() throws PeerException, IOException {
    return ((TopicsList) call(Request.topicList(nextReqId()))).topics();
  }

  /** Subscribes to {@code topic}, creating it if it does not exist; idempotent. */
  public void subscribe(String topic) throws PeerException, IOException {
    String name = checkTopic(topic);
    call(Request.topic(Request.TOPIC_CREATE, nextReqId(), name));
    call(Request.topic(Request.TOPIC_JOIN, nextReqId(), name));
  }

  /** Leaves {@code topic}; idempotent. */
  public void unsubscribe(String topic) throws PeerException, IOException {
    call(Request.topic(Request.TOPIC_LEAVE, nextReqId(), checkTopic(topic)));
  }

  /**
   * Updates this member's profile (SPEC §3.3 {@code POST /v1/profile}): any of {@code summary},
   * {@code status}, {@code visible}, {@code avatar}, {@code title}, {@code bio}, {@code
   * capabilities}.
   */
  public void setProfile(Map<String, @Nullable Object> profile) throws PeerException, IOException {
    Request request;
    try {
      request = new Request(Request.SET_PROFILE, nextReqId(), profile);
    } catch (IllegalArgumentException e) {
      throw PeerException.invalid(e.getMessage());
    }
    call(request);
  }

  private static String checkTopic(String topic) throws PeerException {
    String name = topic.startsWith("#") ? topic.substring(1) : topic;
    try {
      return Target.checkTopicName(name);
    } catch (IllegalArgumentException e) {
      throw PeerException.invalid("topic: " + e.getMessage());
    }
  }

  private String nextReqId() {
    return "r" + reqIds.incrementAndGet();
  }

  private Frame call(Request request) throws PeerException, IOException {
    requireOpen();
    if (!connection.isConnected()) {
      throw new PeerException(PeerException.BROKER_UNAVAILABLE, 503,
          "not connected to the broker at " + mesh.brokerUrl() + "; try again when health shows connected");
    }
    CompletableFuture<Frame> answer = connection.request(request);
    try {
      return answer.get(REQUEST_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted waiting for the broker's " + request.type() + " answer");
    } catch (TimeoutException e) {
      throw new PeerException(PeerException.BROKER_UNAVAILABLE, 503,
          "the broker did not answer " + request.type() + " within " + REQUEST_TIMEOUT.toSeconds() + " s");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof BrokerErrorException) {
        BrokerErrorException error = (BrokerErrorException) cause;
        throw new PeerException(PeerException.BROKER_ERROR, 502,
            "the broker refused " + request.type() + ": " + error.code(), error);
      }
      throw new PeerException(PeerException.BROKER_UNAVAILABLE, 503,
          "the broker request " + request.type() + " failed: " + cause.getMessage(), cause);
    }
  }

  // ------------------------------------------------------------------------------------ health

  public PeerHealth health() throws IOException {
    Map<OutboxStatus, Long> depth = outbox.depth();
    NegotiatedFeatures features = connection.negotiatedFeatures().orElse(NegotiatedFeatures.none());
    BrokerFatalException stopped = fatal;
    boolean diskDegraded = outbox.pressure().level() == dev.claudemesh.core.store.DiskPressure.Level.DEGRADED;
    return new PeerHealth(
        connection.isConnected(),
        lag().toMillis(),
        depth.getOrDefault(OutboxStatus.PENDING, 0L),
        drain.inflight(),
        depth.getOrDefault(OutboxStatus.DEAD, 0L),
        mesh.slug(),
        identity.signingKey().publicKey().hex(),
        Duration.between(startedAt, clock.instant()).toSeconds(),
        Outbox.SCHEMA_VERSION,
        VERSION,
        connection.helloAck().map(HelloAck::brokerVersion).orElse(null),
        stopped != null || diskDegraded,
        stopped != null ? stopped.getMessage() : diskDegraded ? "outbox storage exhausted" : null,
        features.asMap());
  }

  /**
   * The send lag: how long the oldest accepted send that the broker has not taken yet (a pending
   * or inflight outbox row) has waited; zero when there is none. Health's {@code lag_ms} and the
   * metric {@code cm_daemon_lag_ms}.
   */
  public Duration lag() throws IOException {
    return outbox.oldestAge(UNSENT);
  }

  /** DM decryption with rotated keys: counters for {@code decrypt_archived} and {@code decrypt_stale}. */
  public dev.claudemesh.core.identity.DmKeyRing keyRing() {
    return identity.keyRing();
  }

  /** The mesh this peer belongs to. */
  public MeshConfig mesh() {
    return mesh;
  }

  /** This member's public key, hex. */
  public String memberPubkey() {
    return identity.signingKey().publicKey().hex();
  }

  public boolean isConnected() {
    return connection.isConnected();
  }

  /** Set when the broker stopped this peer for good (revoked, replaced, feature failure…). */
  public java.util.Optional<BrokerFatalException> fatalError() {
    return java.util.Optional.ofNullable(fatal);
  }

  /** Counters for metrics: received, inbound duplicates, decrypt failures, invalid inbound. */
  public InboundHandler inbound() {
    return inbound;
  }

  public DrainWorker drain() {
    return drain;
  }

  public BrokerConnection connection() {
    return connection;
  }

  private NegotiatedFeatures negotiated() {
    return connection.negotiatedFeatures().orElse(NegotiatedFeatures.none());
  }

  /** SPEC §4.6, from what the broker negotiated (permanent defaults before that). */
  private Duration maxAge() {
    NegotiatedFeatures features = negotiated();
    if ("retention_scoped".equals(features.dedupeMode().orElse(null))
        && features.dedupeRetentionDays().isPresent()) {
      return MaxAge.retentionScoped(features.dedupeRetentionDays().getAsInt(), maxAgeOverrideHours);
    }
    return MaxAge.permanent(maxAgeOverrideHours);
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("peer is closed");
    }
  }

  /**
   * Stops the drain worker (waiting briefly for sends in flight), closes the broker connection,
   * the event bus and both stores. Rows still inflight go back to pending at the next open.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    drain.stop(Duration.ofSeconds(2));
    connection.close();
    events.close();
    inbox.close();
    outbox.close();
  }

  @Override
  public String toString() {
    return "Peer{mesh=" + mesh.slug() + ", member=" + memberPubkey() + ", connected=" + isConnected() + "}";
  }

  // ------------------------------------------------------------------------------ the listener

  private final class Listener implements BrokerListener {
    @Override
    public void onConnected(HelloAck helloAck, NegotiatedFeatures features) {
      if (everConnected) {
        events.publish(EventKinds.DAEMON_RECONNECT, data("broker_version", helloAck.brokerVersion()));
      }
      everConnected = true;
      drain.onConnected();
    }

    @Override
    public void onPush(Push push) {
      inbound.onPush(push);
    }

    @Override
    public void onDisconnected(int code, String reason, boolean willReconnect) {
      Map<String, @Nullable Object> data = data("code", code);
      data.put("will_reconnect", willReconnect);
      events.publish(EventKinds.DAEMON_DISCONNECT, data);
    }

    @Override
    public void onNegotiationFailed(NegotiationFailure failure) {
      Map<String, @Nullable Object> data = data("kind", failure.kind());
      data.put("feature", failure.feature());
      data.put("detail", failure.detail());
      events.publish(EventKinds.FEATURE_NEGOTIATION_FAILED, data);
    }

    @Override
    public void onFatal(BrokerFatalException failure) {
      fatal = failure;
      log.error("peer {} stopped by the broker: {}", mesh.slug(), failure.getMessage());
    }

    private Map<String, @Nullable Object> data(String key, @Nullable Object value) {
      Map<String, @Nullable Object> data = new LinkedHashMap<>();
      data.put("ts", clock.millis());
      data.put(key, value);
      return data;
    }
  }

  private static BrokerConnection openConnection(Builder b, Identity identity, MeshConfig mesh,
      BrokerListener listener) {
    BrokerConnection.Builder connection = BrokerConnection.builder()
        .url(mesh.brokerUrl())
        .signingKey(identity.signingKey())
        .meshId(mesh.meshId())
        .memberId(mesh.memberId())
        .displayName(mesh.displayName())
        .peerType(b.peerType)
        .cwd(System.getProperty("user.dir", ""))
        .clock(b.clock)
        .listener(listener);
    if (b.negotiate) {
      connection.requireFeatures(b.require).optionalFeatures(b.optional);
    } else {
      connection.skipNegotiation(true); // an original claudemesh peer asks for nothing
    }
    if (b.connectionTuning != null) {
      b.connectionTuning.accept(connection);
    }
    return connection.build();
  }

  // ------------------------------------------------------------------------------------ builder

  /** Opens a {@link Peer}; see {@link Peer#builder}. */
  public static final class Builder {
    private final DaemonPaths paths;
    private Map<String, String> env = System.getenv();
    private Clock clock = Clock.systemUTC();
    private boolean persistent;
    private @Nullable ClonePolicy clonePolicy;
    private @Nullable String hostIdOverride;
    private @Nullable Duration keyGrace;
    private @Nullable String[] ephemeralJoin;
    private List<String> require = FeatureNegotiation.DEFAULT_REQUIRE;
    private List<String> optional = FeatureNegotiation.DEFAULT_OPTIONAL;
    private boolean negotiate = true;
    private OptionalLong maxAgeOverrideHours = OptionalLong.empty();
    private int maxInflight = DrainWorker.DEFAULT_MAX_INFLIGHT;
    private long outboxMaxBytes = Outbox.DEFAULT_MAX_BYTES;
    private Duration inboxRetention = Inbox.DEFAULT_RETENTION;
    private String peerType = "ai";
    private @Nullable Consumer<BrokerConnection.Builder> connectionTuning;

    Builder(DaemonPaths paths) {
      this.paths = Objects.requireNonNull(paths, "paths == null");
    }

    /** The environment that decides the identity mode (SPEC §2.2); defaults to the process's. */
    public Builder env(Map<String, String> env) {
      this.env = Map.copyOf(Objects.requireNonNull(env, "env == null"));
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /** {@code --persistent}: keep the identity on disk even in CI. */
    public Builder persistent(boolean persistent) {
      this.persistent = persistent;
      return this;
    }

    public Builder clonePolicy(ClonePolicy clonePolicy) {
      this.clonePolicy = Objects.requireNonNull(clonePolicy, "clonePolicy == null");
      return this;
    }

    /** Features the broker must agree to (SPEC §7.2); by default dedupe and connection policy. */
    /**
     * An ephemeral member (SPEC §2.2, {@code --ephemeral}, or CI without {@code --persistent}):
     * at {@link #open()} a fresh key is made in memory only and joined through {@code invite}
     * (normally an ephemeral invite, whose members the broker removes once they leave); no key
     * file is written. The stores of an earlier member in the directory are moved aside
     * ({@code outbox.db.previous-<ts>}), never sent under the new identity.
     */
    public Builder ephemeral(String brokerUrl, String invite, String displayName) {
      this.ephemeralJoin = new String[] {
          Objects.requireNonNull(brokerUrl, "brokerUrl == null"),
          Objects.requireNonNull(invite, "invite == null"),
          Objects.requireNonNull(displayName, "displayName == null")};
      return this;
    }

    /** {@code [clone] id_override}: the host id to use instead of the probed one (SPEC §2.3). */
    public Builder hostIdOverride(@Nullable String idOverride) {
      this.hostIdOverride = idOverride;
      return this;
    }

    /** {@code [crypto] key_grace_period_days}: how long rotated-out keys still decrypt (SPEC §2.5). */
    public Builder keyGrace(Duration keyGrace) {
      this.keyGrace = Objects.requireNonNull(keyGrace, "keyGrace == null");
      return this;
    }

    public Builder requireFeatures(List<String> require) {
      this.require = List.copyOf(Objects.requireNonNull(require, "require == null"));
      return this;
    }

    public Builder optionalFeatures(List<String> optional) {
      this.optional = List.copyOf(Objects.requireNonNull(optional, "optional == null"));
      return this;
    }

    /** Skip feature negotiation, as original claudemesh peers do. */
    public Builder negotiateFeatures(boolean negotiate) {
      this.negotiate = negotiate;
      return this;
    }

    /** {@code [outbox] max_age_hours_override}. */
    public Builder maxAgeOverrideHours(long hours) {
      if (hours < 1) {
        throw new IllegalArgumentException("maxAgeOverrideHours must be at least 1, got " + hours);
      }
      this.maxAgeOverrideHours = OptionalLong.of(hours);
      return this;
    }

    public Builder maxInflight(int maxInflight) {
      if (maxInflight < 1) {
        throw new IllegalArgumentException("maxInflight must be at least 1, got " + maxInflight);
      }
      this.maxInflight = maxInflight;
      return this;
    }

    /** {@code [outbox] max_bytes}. */
    public Builder outboxMaxBytes(long outboxMaxBytes) {
      this.outboxMaxBytes = outboxMaxBytes;
      return this;
    }

    /** {@code [inbox] retention_days}. */
    public Builder inboxRetention(Duration inboxRetention) {
      this.inboxRetention = Objects.requireNonNull(inboxRetention, "inboxRetention == null");
      return this;
    }

    /** {@code ai} (default), {@code human} or {@code connector}. */
    public Builder peerType(String peerType) {
      if (!List.of("ai", "human", "connector").contains(peerType)) {
        throw new IllegalArgumentException("peerType must be ai, human or connector, got " + peerType);
      }
      this.peerType = peerType;
      return this;
    }

    /** Adjusts the broker connection (timeouts in tests). */
    public Builder connectionTuning(Consumer<BrokerConnection.Builder> tuning) {
      this.connectionTuning = Objects.requireNonNull(tuning, "tuning == null");
      return this;
    }

    /**
     * Opens the identity and both stores, then starts the broker connection and the drain worker.
     *
     * @throws IllegalStateException if the directory has not joined a mesh yet
     * @throws IOException if a store or identity file cannot be opened (see its message)
     */
    public Peer open() throws IOException {
      Identity.Builder ib = Identity.builder(paths).env(env).clock(clock).persistent(persistent);
      if (clonePolicy != null) {
        ib.clonePolicy(clonePolicy);
      }
      if (hostIdOverride != null) {
        ib.hostIdOverride(hostIdOverride);
      }
      if (keyGrace != null) {
        ib.keyGrace(keyGrace);
      }
      if (ephemeralJoin != null && persistent) {
        throw new IllegalStateException("ephemeral(...) and persistent(true) exclude each other");
      }
      ib.ephemeral(ephemeralJoin != null);
      Identity identity = ib.open();
      if (identity.mode() != IdentityMode.PERSISTENT) {
        if (ephemeralJoin == null) {
          throw new IllegalStateException("an ephemeral peer joins at every start: give"
              + " ephemeral(brokerUrl, invite, name), or persistent(true) to keep the identity on disk");
        }
        joinEphemeral(identity);
      }
      MeshConfig mesh = identity.mesh().orElseThrow(() -> new IllegalStateException(
          "no mesh.json in " + paths.dir() + "; run `claudemesh join <broker-url> <invite>` first"));
      identity.signingKey(); // fails with the join hint when keypair.json is missing
      EventBus events = new EventBus(clock);
      Outbox outbox = null;
      Inbox inbox = null;
      try {
        outbox = Outbox.builder(paths.dir()).clock(clock).maxBytes(outboxMaxBytes)
            .pressureListener(p -> events.publish(EventKinds.OUTBOX_PRESSURE_HIGH,
                pressureData(p, clock))).open();
        inbox = Inbox.builder(paths.dir()).clock(clock).retention(inboxRetention).open();
        inbox.startMaintenance();
        Peer peer = new Peer(this, identity, mesh, outbox, inbox, events);
        try {
          peer.drain.start();
          peer.connection.start();
        } catch (RuntimeException e) {
          peer.close();
          throw e;
        }
        return peer;
      } catch (IOException | RuntimeException e) {
        if (inbox != null) {
          inbox.close();
        }
        if (outbox != null) {
          outbox.close();
        }
        events.close();
        throw e;
      }
    }

    private void joinEphemeral(Identity identity) throws IOException {
      if (java.nio.file.Files.exists(paths.keypairJson())) {
        throw new IllegalStateException(paths.dir() + " holds the keypair.json of a persistent member;"
            + " an ephemeral member would overwrite its mesh.json: use another directory, or run persistent");
      }
      String stamp = Long.toString(clock.millis());
      for (Path store : new Path[] {paths.outboxDb(), paths.inboxDb()}) {
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
          Path file = store.resolveSibling(store.getFileName() + suffix);
          if (java.nio.file.Files.exists(file)) {
            java.nio.file.Files.move(file, store.resolveSibling(
                store.getFileName() + ".previous-" + stamp + suffix));
          }
        }
      }
      Ed25519SigningKey key = identity.signingKey();
      MeshConfig joined;
      try {
        joined = MeshJoin.join(ephemeralJoin[0], ephemeralJoin[1], key, ephemeralJoin[2], clock);
      } catch (PeerException e) {
        throw new IOException("the broker refused the ephemeral join: " + e.code() + ": "
            + e.getMessage(), e);
      }
      identity.join(joined, key);
      log.info("joined mesh {} as ephemeral member {}", joined.slug(), joined.memberId());
    }

    private static Map<String, @Nullable Object> pressureData(dev.claudemesh.core.store.DiskPressure p, Clock clock) {
      Map<String, @Nullable Object> data = new LinkedHashMap<>();
      data.put("ts", clock.millis());
      data.put("level", p.level().name().toLowerCase(java.util.Locale.ROOT));
      data.put("percent", p.percent());
      return data;
    }
  }

  static String newSessionId() {
    return UUID.randomUUID().toString();
  }
}
