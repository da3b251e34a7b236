package dev.claudemesh.broker;

import com.github.f4b6a3.ulid.UlidCreator;
import dev.claudemesh.broker.store.BrokerStore;
import dev.claudemesh.broker.store.ConnectionPolicy;
import dev.claudemesh.broker.store.LeasedDelivery;
import dev.claudemesh.broker.store.Member;
import dev.claudemesh.broker.store.Mesh;
import dev.claudemesh.broker.store.StoredMessage;
import dev.claudemesh.broker.store.TopicView;
import dev.claudemesh.core.crypto.Ed25519PublicKey;
import dev.claudemesh.core.crypto.SignedStrings;
import dev.claudemesh.core.jcs.Jcs;
import dev.claudemesh.core.protocol.Ack;
import dev.claudemesh.core.protocol.ClientAck;
import dev.claudemesh.core.protocol.CloseCodes;
import dev.claudemesh.core.protocol.ErrorFrame;
import dev.claudemesh.core.protocol.FeatureNegotiationRequest;
import dev.claudemesh.core.protocol.FeatureNegotiationResponse;
import dev.claudemesh.core.protocol.Frame;
import dev.claudemesh.core.protocol.Frames;
import dev.claudemesh.core.protocol.Hello;
import dev.claudemesh.core.protocol.HelloAck;
import dev.claudemesh.core.protocol.InvalidFrameException;
import dev.claudemesh.core.protocol.Ok;
import dev.claudemesh.core.protocol.PeerInfo;
import dev.claudemesh.core.protocol.PeersList;
import dev.claudemesh.core.protocol.Push;
import dev.claudemesh.core.protocol.Request;
import dev.claudemesh.core.protocol.SendFrame;
import dev.claudemesh.core.protocol.TopicInfo;
import dev.claudemesh.core.protocol.TopicsList;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's live side: connections and their hello, presence with its grace window, the
 * connection policy, delivery leases and pushes, client_acks, the §7.5 requests and the periodic
 * maintenance (keepalive, redelivery, presence expiry). Sends are handed to {@link SendPipeline}.
 */
final class Hub {
  private static final Logger log = LoggerFactory.getLogger(Hub.class);
  static final int LEASE_BATCH = 1000;
  static final String BROKER_SENDER = "broker";

  private final Settings settings;
  private final BrokerStore store;
  private final BrokerMetrics metrics;
  private final ScheduledExecutorService scheduler;
  private final java.util.concurrent.Executor outbound;
  final SendPipeline sends;

  /** Every open connection, authenticated or not. */
  private final Map<String, Connection> connections = new ConcurrentHashMap<>();
  /** Authenticated connections per member id, oldest first; compound changes under {@code this}. */
  private final Map<String, CopyOnWriteArrayList<Connection>> live = new ConcurrentHashMap<>();
  /** Members whose last connection closed, with the time it closed (the grace window runs). */
  private final Map<String, GraceEntry> grace = new ConcurrentHashMap<>();

  private record GraceEntry(Member member, long since) {}

  /**
   * @param outbound runs each connection's write task (encoding and handing frames to Jetty), so
   *     the store's writer thread never does it
   */
  Hub(Settings settings, BrokerStore store, BrokerMetrics metrics, ScheduledExecutorService scheduler,
      java.util.concurrent.Executor outbound) {
    this.settings = settings;
    this.store = store;
    this.metrics = metrics;
    this.scheduler = scheduler;
    this.outbound = outbound;
    this.sends = new SendPipeline(this, settings, store, metrics);
  }

  java.util.concurrent.Executor outboundExecutor() {
    return outbound;
  }

  long now() {
    return settings.clock().millis();
  }

  Connection newConnection() {
    return new Connection("conn_" + UlidCreator.getMonotonicUlid(), this);
  }

  @Nullable Connection connection(String id) {
    return connections.get(id);
  }

  /** The newest live connection of a member, which new delivery rows are leased to. */
  @Nullable String leaseOwner(String memberId) {
    List<Connection> list = live.get(memberId);
    if (list == null) {
      return null;
    }
    for (int i = list.size() - 1; i >= 0; i--) {
      Connection c = list.get(i);
      if (c.isOpen()) {
        return c.id;
      }
    }
    return null;
  }

  private List<String> liveOwners(String memberId) {
    List<String> ids = new ArrayList<>();
    for (Connection c : live.getOrDefault(memberId, new CopyOnWriteArrayList<>())) {
      ids.add(c.id);
    }
    return ids;
  }

  // ---- lifecycle of a connection ----

  void opened(Connection c) {
    connections.put(c.id, c);
    metrics.connectionsOpened.inc();
    long awaiting = connections.values().stream().filter(x -> !x.authenticated()).count();
    if (awaiting > settings.maxPendingHellos()) { // a flood of idle sockets
      rejectHello(c, TRY_AGAIN_LATER, "too_many_pending_connections");
      return;
    }
    c.helloTimer = scheduler.schedule(() -> {
      if (!c.authenticated()) {
        rejectHello(c, CloseCodes.POLICY_VIOLATION, "hello_timeout");
      }
    }, settings.helloTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  void closed(Connection c, int code) {
    connections.remove(c.id);
    Member member = c.member;
    if (member == null) {
      return;
    }
    boolean lastGone = false;
    synchronized (this) {
      CopyOnWriteArrayList<Connection> list = live.get(member.id());
      if (list == null || !list.remove(c)) {
        return; // replaced or revoked: already accounted for
      }
      metrics.connections.dec();
      if (list.isEmpty()) {
        live.remove(member.id());
        if (!c.revoked) {
          grace.put(member.id(), new GraceEntry(member, now()));
          lastGone = true;
        }
      }
    }
    log.debug("connection {} of member {} closed with {}{}", c.id, member.id(), code,
        lastGone ? "; presence grace starts" : "");
  }

  void onBinary(Connection c) {
    metrics.invalidFrames.inc();
    c.send(new ErrorFrame("invalid_frame", "binary frames are not part of the protocol", null));
  }

  void onText(Connection c, String text) {
    Frame frame;
    try {
      frame = Frames.decode(text);
    } catch (InvalidFrameException e) {
      metrics.invalidFrames.inc();
      if (!c.authenticated()) {
        rejectHello(c, CloseCodes.POLICY_VIOLATION, "hello_required");
        return;
      }
      answerInvalid(c, text, e);
      return;
    }
    if (!c.authenticated()) {
      if (frame instanceof Hello) {
        hello(c, (Hello) frame);
      } else {
        rejectHello(c, CloseCodes.POLICY_VIOLATION, "hello_required");
      }
      return;
    }
    if (c.revoked) {
      return;
    }
    if (frame instanceof SendFrame) {
      sends.handle(c, (SendFrame) frame);
    } else if (frame instanceof ClientAck) {
      clientAck(c, (ClientAck) frame);
    } else if (frame instanceof Request) {
      request(c, (Request) frame);
    } else if (frame instanceof FeatureNegotiationRequest) {
      negotiate(c, (FeatureNegotiationRequest) frame);
    } else {
      metrics.invalidFrames.inc();
      c.send(new ErrorFrame("unexpected_frame", frame.type() + " is not a client frame here", null));
    }
  }

  /** Answers an invalid frame with {@code invalid_frame}, correlated when an id is readable. */
  private void answerInvalid(Connection c, String text, InvalidFrameException e) {
    String type = null;
    String id = null;
    String reqId = null;
    if (text.length() <= Frames.MAX_FRAME_CHARS) {
      try {
        Object parsed = Jcs.parse(text);
        if (parsed instanceof Map) {
          Map<?, ?> json = (Map<?, ?>) parsed;
          type = json.get("type") instanceof String ? (String) json.get("type") : null;
          id = json.get("id") instanceof String ? (String) json.get("id") : null;
          reqId = json.get("_reqId") instanceof String ? (String) json.get("_reqId") : null;
        }
      } catch (RuntimeException ignored) {
        // not JSON at all: nothing to correlate
      }
    }
    String problem = e.getMessage() == null ? "invalid frame" : e.getMessage();
    if (problem.length() > 300) {
      problem = problem.substring(0, 300) + "…";
    }
    log.debug("invalid frame on connection {}: {}", c.id, problem);
    try {
      if (SendFrame.TYPE.equals(type) && id != null) {
        c.send(new Ack(id, 400, null, null, null, null, false, false, null, false, null, null,
            new Ack.Error("invalid_frame", problem, true)));
        return;
      }
      c.send(new ErrorFrame("invalid_frame", problem, reqId != null ? reqId : id));
    } catch (IllegalArgumentException unusableId) { // the id itself breaks the rules
      c.send(new ErrorFrame("invalid_frame", problem, null));
    }
  }

  // ---- hello (SPEC §7.1) ----

  /** RFC 6455 1013: the server is overloaded; the client reconnects with its backoff. */
  static final int TRY_AGAIN_LATER = 1013;

  private void rejectHello(Connection c, int code, String reason) {
    metrics.helloRejected.labelValues(reason).inc();
    log.info("hello refused on connection {}: {}", c.id, reason);
    c.close(code, reason);
  }

  private void hello(Connection c, Hello hello) {
    long now = now();
    if (Math.abs(now - hello.timestamp()) > 60_000) {
      rejectHello(c, CloseCodes.POLICY_VIOLATION, "clock_skew");
      return;
    }
    boolean signed;
    try {
      signed = SignedStrings.verifyHello(Ed25519PublicKey.fromHex(hello.pubkey()), hello.meshId(),
          hello.memberId(), hello.timestamp(), hello.signature());
    } catch (RuntimeException e) {
      signed = false;
    }
    if (!signed) {
      rejectHello(c, CloseCodes.POLICY_VIOLATION, "signature_invalid");
      return;
    }
    Optional<Mesh> mesh;
    Optional<Member> member;
    try {
      mesh = store.meshById(hello.meshId());
      member = store.memberById(hello.memberId());
    } catch (IOException e) {
      log.warn("store unavailable during hello on connection {}: {}", c.id, e.getMessage());
      c.close(CloseCodes.INTERNAL_ERROR, "store_unavailable");
      return;
    }
    if (mesh.isEmpty()) {
      rejectHello(c, CloseCodes.POLICY_VIOLATION, "unknown_mesh");
      return;
    }
    if (member.isEmpty() || !member.get().meshId().equals(hello.meshId())
        || !member.get().pubkey().equals(hello.pubkey())) {
      rejectHello(c, CloseCodes.POLICY_VIOLATION, "unknown_member");
      return;
    }
    if (member.get().revoked()) {
      rejectHello(c, CloseCodes.REVOKED, "member_revoked");
      return;
    }
    register(c, mesh.get(), member.get(), hello);
  }

  private void register(Connection c, Mesh mesh, Member member, Hello hello) {
    List<Connection> replaced = new ArrayList<>();
    boolean wasOnline;
    synchronized (this) {
      if (!c.isOpen()) {
        return;
      }
      CopyOnWriteArrayList<Connection> list = live.computeIfAbsent(member.id(), k -> new CopyOnWriteArrayList<>());
      if (!list.isEmpty() && mesh.policy() == ConnectionPolicy.PREFER_OLDEST) {
        rejectHello(c, CloseCodes.MEMBER_ALREADY_CONNECTED, "member_already_connected");
        return;
      }
      if (mesh.policy() == ConnectionPolicy.PREFER_NEWEST) {
        replaced.addAll(list);
        list.clear();
        metrics.connections.dec(replaced.size());
      }
      c.member = member;
      c.authenticatedLimits();
      c.sessionPubkey = hello.sessionPubkey();
      c.displayName = hello.displayName();
      c.peerType = hello.peerType();
      c.capabilities = hello.capabilities();
      c.connectedAt = now();
      c.presenceId = "pres_" + UlidCreator.getMonotonicUlid();
      // enqueued before the connection becomes a lease owner, so no push can overtake it
      c.send(new HelloAck(c.presenceId, member.displayName(), 1, ReferenceBroker.VERSION));
      list.add(c);
      metrics.connections.inc();
      wasOnline = !replaced.isEmpty() || list.size() > 1 || grace.remove(member.id()) != null;
    }
    if (c.helloTimer != null) {
      c.helloTimer.cancel(false);
    }
    log.info("member {} of mesh {} connected on {} ({} policy{})", member.id(), mesh.slug(), c.id,
        mesh.policy().wireName(), replaced.isEmpty() ? "" : ", replacing " + replaced.size());
    for (Connection old : replaced) {
      old.close(CloseCodes.REPLACED_BY_NEWER_CONNECTION, "replaced_by_newer_connection");
    }
    if (!wasOnline) {
      presence(member, "peer_joined", c.shownName());
    }
    leaseAndPush(member.id(), c, "redelivery");
  }

  // ---- delivery (SPEC §8.4) ----

  /** Leases the member's open rows to {@code owner} and pushes them; continues while batches are full. */
  void leaseAndPush(String memberId, Connection owner, String kind) {
    long now = now();
    store.leaseOpenDeliveries(memberId, owner.id, liveOwners(memberId), now,
            now + settings.deliveryLease().toMillis(), LEASE_BATCH)
        .whenComplete((leased, failure) -> {
          if (failure != null) {
            log.warn("leasing deliveries of member {} failed: {}", memberId, failure.toString());
            return;
          }
          for (LeasedDelivery d : leased) {
            push(owner, d.deliveryId(), d.message(), kind);
          }
          if (leased.size() == LEASE_BATCH && owner.isOpen()) {
            scheduler.execute(() -> leaseAndPush(memberId, owner, kind));
          }
        });
  }

  void push(Connection to, String deliveryId, StoredMessage m, String kind) {
    if (!to.isOpen()) {
      return; // the lease runs out and the row is pushed again
    }
    Push push;
    try {
      @SuppressWarnings("unchecked")
      Map<String, @Nullable Object> meta = m.metaJson() == null ? null
          : (Map<String, @Nullable Object>) Jcs.parse(m.metaJson());
      push = new Push(m.id(), m.meshId(), m.senderPubkey(), m.senderMemberPubkey(), m.senderMemberId(),
          m.senderName(), m.topic(), m.replyToId(), m.priority(), m.nonce(), m.ciphertext(), m.createdAt(), meta,
          m.clientMessageId(), deliveryId, null, null, null);
    } catch (RuntimeException e) {
      log.error("stored message {} cannot be pushed: {}", m.id(), e.getMessage());
      return;
    }
    to.send(push);
    metrics.pushes.labelValues(kind).inc();
  }

  private void clientAck(Connection c, ClientAck ack) {
    if (ack.deliveryId().startsWith("sys-")) {
      return; // system pushes are live-only; nothing to complete
    }
    if (sends.faults.ignoreClientAck(c.memberOrThrow().id(), ack.deliveryId())) {
      return;
    }
    store.completeDelivery(ack.deliveryId(), c.memberOrThrow().id(), now()).whenComplete((done, failure) -> {
      if (failure != null) {
        log.warn("completing delivery {} failed: {}", ack.deliveryId(), failure.toString());
      } else if (done) {
        metrics.deliveriesCompleted.inc();
      } else {
        metrics.clientAckUnknown.inc();
        log.debug("client_ack for unknown or foreign delivery {} on {}", ack.deliveryId(), c.id);
      }
    });
  }

  // ---- presence and system pushes ----

  private void presence(Member member, String event, String displayName) {
    Map<String, @Nullable Object> data = new LinkedHashMap<>();
    data.put("pubkey", member.pubkey());
    data.put("memberId", member.id());
    data.put("displayName", displayName);
    for (List<Connection> list : live.values()) {
      for (Connection other : list) {
        Member m = other.member;
        if (m != null && m.meshId().equals(member.meshId()) && !m.id().equals(member.id())) {
          systemPush(other, event, data);
        }
      }
    }
  }

  void systemPush(Connection to, String event, Map<String, @Nullable Object> data) {
    String id = "sys-" + UlidCreator.getMonotonicUlid();
    Member m = to.memberOrThrow();
    to.send(new Push(id, m.meshId(), BROKER_SENDER, BROKER_SENDER, BROKER_SENDER, BROKER_SENDER, null, null,
        "next", null, null, now(), null, null, id, Push.SUBTYPE_SYSTEM, event, data));
    metrics.pushes.labelValues("system").inc();
  }

  /** Closes the live connections of revoked members with 4002 after a member_revoked push. */
  void revoked(List<Member> members) {
    for (Member member : members) {
      List<Connection> gone;
      synchronized (this) {
        CopyOnWriteArrayList<Connection> list = live.remove(member.id());
        gone = list == null ? List.of() : new ArrayList<>(list);
        grace.remove(member.id());
        metrics.connections.dec(gone.size());
      }
      Map<String, @Nullable Object> data = new LinkedHashMap<>();
      data.put("pubkey", member.pubkey());
      data.put("memberId", member.id());
      data.put("reason", "revoked");
      for (Connection c : gone) {
        c.revoked = true;
        systemPush(c, "member_revoked", data);
        c.close(CloseCodes.REVOKED, "member_revoked");
      }
      if (!gone.isEmpty()) {
        presence(member, "peer_left", member.displayName());
      }
    }
  }

  // ---- requests (SPEC §7.5) ----

  private void negotiate(Connection c, FeatureNegotiationRequest request) {
    Map<String, Map<String, @Nullable Object>> advertised = settings.advertisedFeatures();
    List<String> missing = new ArrayList<>();
    for (String name : request.require()) {
      if (!advertised.containsKey(name)) {
        missing.add(name);
      }
    }
    c.send(new FeatureNegotiationResponse(advertised, missing));
    log.info("feature negotiation on {}: require={} optional={} advertised={} missing_required={}", c.id,
        request.require(), request.optional(), advertised.keySet(), missing);
  }

  private void request(Connection c, Request r) {
    Member member = c.memberOrThrow();
    try {
      switch (r.type()) {
        case Request.LIST_PEERS:
          c.send(new PeersList(r.reqId(), peers(c)));
          return;
        case Request.SET_PROFILE:
          profile(c, r.params());
          break;
        case Request.SET_STATUS:
        case Request.SET_SUMMARY:
        case Request.SET_VISIBLE:
          profile(c, r.params());
          break;
        case Request.TOPIC_CREATE:
          store.createTopic(member.meshId(), r.topic(), member.id(), now());
          break;
        case Request.TOPIC_JOIN:
          if (!store.joinTopic(member.meshId(), r.topic(), member.id())) {
            c.send(new ErrorFrame("topic_not_found", "no topic '" + r.topic() + "' in this mesh", r.reqId()));
            return;
          }
          break;
        case Request.TOPIC_LEAVE:
          store.leaveTopic(member.meshId(), r.topic(), member.id());
          break;
        case Request.TOPIC_LIST:
          List<TopicInfo> topics = new ArrayList<>();
          for (TopicView t : store.topics(member.meshId(), member.id())) {
            topics.add(new TopicInfo(t.name(), t.subscribed(), t.subscribers()));
          }
          c.send(new TopicsList(r.reqId(), topics));
          return;
        default:
          c.send(new ErrorFrame("unknown_request", r.type() + " is not supported", r.reqId()));
          return;
      }
      c.send(new Ok(r.reqId()));
    } catch (IOException e) {
      log.warn("{} failed on {}: {}", r.type(), c.id, e.getMessage());
      c.send(new ErrorFrame("store_unavailable", "the broker store failed; retry later", r.reqId()));
    }
  }

  @SuppressWarnings("unchecked")
  private static void profile(Connection c, Map<String, @Nullable Object> params) {
    if (params.get("status") instanceof String) {
      c.status = (String) params.get("status");
    }
    if (params.get("summary") instanceof String) {
      c.summary = (String) params.get("summary");
    }
    if (params.get("title") instanceof String) {
      c.title = (String) params.get("title");
    }
    if (params.get("visible") instanceof Boolean) {
      c.visible = (Boolean) params.get("visible");
    }
    if (params.get("capabilities") instanceof List) {
      c.capabilities = List.copyOf((List<String>) params.get("capabilities"));
    }
  }

  /**
   * The live peers of the caller's mesh. Under the hub's lock: {@link #register} sends a hello_ack
   * before it lists the connection, both under that lock, so a client that has seen its ack and
   * asks another connection for the peers always finds it listed.
   */
  private synchronized List<PeerInfo> peers(Connection caller) {
    String meshId = caller.memberOrThrow().meshId();
    List<PeerInfo> peers = new ArrayList<>();
    for (List<Connection> list : live.values()) {
      for (Connection c : list) {
        Member m = c.member;
        if (c == caller || m == null || !m.meshId().equals(meshId) || !c.visible || !c.isOpen()) {
          continue;
        }
        try {
          peers.add(new PeerInfo(m.pubkey(), m.id(), c.shownName(), c.peerType, c.status, c.summary, c.title,
              c.capabilities, c.connectedAt));
        } catch (IllegalArgumentException e) {
          log.debug("peer {} left out of peers_list: {}", c.id, e.getMessage());
        }
      }
    }
    return peers;
  }

  // ---- maintenance ----

  /** One maintenance pass: keepalive, presence expiry, redelivery of expired leases. */
  void maintain() {
    long now = now();
    long silence = settings.silenceTimeout().toMillis();
    long keepalive = settings.keepaliveInterval().toMillis();
    for (Connection c : connections.values()) {
      if (now - c.lastHeard >= silence) {
        if (c.idleCloseSentAt == 0) {
          log.info("connection {} silent for {} ms; closing", c.id, now - c.lastHeard);
          c.idleCloseSentAt = now;
          c.close(CloseCodes.GOING_AWAY, "idle_timeout");
        } else if (now - c.idleCloseSentAt >= keepalive) {
          c.disconnect(); // a silent peer does not answer the close handshake either
        }
      } else if (now - c.lastHeard >= keepalive && now - c.lastPing >= keepalive) {
        c.ping();
      }
    }
    long graceMillis = settings.presenceGrace().toMillis();
    for (Iterator<Map.Entry<String, GraceEntry>> it = grace.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, GraceEntry> e = it.next();
      GraceEntry entry = e.getValue();
      if (now - entry.since() < graceMillis) {
        continue;
      }
      synchronized (this) {
        if (live.containsKey(e.getKey()) || !grace.remove(e.getKey(), entry)) {
          continue;
        }
      }
      presence(entry.member(), "peer_left", entry.member().displayName());
      if (entry.member().ephemeral()) {
        try {
          store.removeMember(entry.member().id());
          log.info("ephemeral member {} removed after its grace window", entry.member().id());
        } catch (IOException ex) {
          log.warn("removing ephemeral member {} failed: {}", entry.member().id(), ex.getMessage());
        }
      }
    }
    try {
      for (String memberId : store.membersWithDueDeliveries(now)) {
        String owner = leaseOwner(memberId);
        Connection c = owner == null ? null : connections.get(owner);
        if (c != null) {
          leaseAndPush(memberId, c, "redelivery");
        }
      }
    } catch (IOException e) {
      log.warn("redelivery scan failed: {}", e.getMessage());
    }
    sends.pruneRateWindows();
  }

  /** Closes every connection (broker shutdown). */
  void closeAll() {
    for (Connection c : connections.values()) {
      c.closeNow(CloseCodes.GOING_AWAY, "broker_shutdown");
    }
  }

  int liveConnectionCount() {
    int n = 0;
    for (List<Connection> list : live.values()) {
      n += list.size();
    }
    return n;
  }
}
