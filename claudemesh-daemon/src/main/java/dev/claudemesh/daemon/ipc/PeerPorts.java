package dev.claudemesh.daemon.ipc;

import dev.claudemesh.api.ApiJson;
import dev.claudemesh.api.ApiJsonException;
import dev.claudemesh.api.Health;
import dev.claudemesh.api.InboxMessage;
import dev.claudemesh.api.Compat;
import dev.claudemesh.api.ErrorCodes;
import dev.claudemesh.api.InboxPage;
import dev.claudemesh.api.OutboxPage;
import dev.claudemesh.api.OutboxRow;
import dev.claudemesh.api.RequeueRequest;
import dev.claudemesh.api.RequeueResponse;
import dev.claudemesh.api.Routes;
import dev.claudemesh.api.PageQuery;
import dev.claudemesh.api.PeerList;
import dev.claudemesh.api.Profile;
import dev.claudemesh.api.TopicList;
import dev.claudemesh.api.SendRequest;
import dev.claudemesh.api.Version;
import dev.claudemesh.core.Peer;
import dev.claudemesh.core.PeerException;
import dev.claudemesh.core.PeerHealth;
import dev.claudemesh.core.events.EventBus;
import dev.claudemesh.core.events.PeerEvent;
import dev.claudemesh.core.fingerprint.FingerprintRequest;
import dev.claudemesh.core.fingerprint.Priority;
import dev.claudemesh.core.jcs.Jcs;
import dev.claudemesh.core.protocol.FeatureNegotiation;
import dev.claudemesh.core.protocol.Frames;
import dev.claudemesh.core.protocol.PeerInfo;
import dev.claudemesh.core.store.DiskPressure;
import dev.claudemesh.core.store.InboxQuery;
import dev.claudemesh.core.store.Outbox;
import dev.claudemesh.core.store.OutboxException;
import dev.claudemesh.core.store.OutboxStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** The ports of the IPC handlers, served by the core {@link Peer}. */
public final class PeerPorts {
  private PeerPorts() {}

  public static SendPort send(Peer peer) {
    Objects.requireNonNull(peer, "peer == null");
    return request -> peer.send(toCore(request));
  }

  /** The API body as the core's send; the id is the {@code Idempotency-Key} when one was sent. */
  static dev.claudemesh.core.SendRequest toCore(SendRequest request) {
    dev.claudemesh.core.SendRequest.Builder b =
        dev.claudemesh.core.SendRequest.builder(request.to(), request.message())
            .meta(request.meta())
            .replyToId(request.replyToId())
            .clientMessageId(request.clientMessageId());
    if (request.priority() != null) {
      b.priority(Priority.fromWire(request.priority()));
    }
    return b.build();
  }

  public static InboxPort inbox(Peer peer) {
    Objects.requireNonNull(peer, "peer == null");
    return query -> {
      dev.claudemesh.core.store.InboxPage page = peer.inbox(toCore(query));
      return new InboxPage(page.messages().stream().map(PeerPorts::toApi).toList(),
          page.nextCursor().orElse(null));
    };
  }

  /** The API query as the core's; the core clamps the limit to its own maximum. */
  static InboxQuery toCore(PageQuery query) throws InboxPort.BadCursorException {
    InboxQuery q = InboxQuery.newest()
        .since(query.since() == null ? null : Instant.ofEpochMilli(query.since()))
        .topic(query.topic())
        .from(query.from());
    if (query.limit() != null) {
      q.limit(query.limit());
    }
    try {
      q.cursor(query.cursor());
    } catch (IllegalArgumentException e) {
      throw new InboxPort.BadCursorException(e.getMessage());
    }
    return q;
  }

  static InboxMessage toApi(dev.claudemesh.core.store.InboxMessage m) {
    return new InboxMessage(m.id().orElse(""), m.clientMessageId(),
        m.brokerMessageId().orElse(null), m.topic().orElse(null), m.senderPubkey(),
        m.senderName(), m.body().orElse(null), meta(m.meta().orElse(null)),
        m.priority().orElse(null), m.replyToId().orElse(null), m.receivedAt().toEpochMilli());
  }

  /** Stored meta JSON text as an object; text that is not a JSON object is left out. */
  @SuppressWarnings("unchecked")
  static @Nullable Map<String, @Nullable Object> meta(@Nullable String json) {
    if (json == null) {
      return null;
    }
    try {
      return ApiJson.fromJson(json, Map.class);
    } catch (ApiJsonException | ClassCastException e) {
      return null;
    }
  }

  public static TopicPort topics(Peer peer) {
    Objects.requireNonNull(peer, "peer == null");
    return new TopicPort() {
      @Override
      public TopicList list() throws PeerException, IOException {
        return new TopicList(peer.topics().stream()
            .map(t -> new TopicList.Topic(t.name(), t.subscribed(), null)).toList());
      }

      @Override
      public void subscribe(String topic) throws PeerException, IOException {
        peer.subscribe(topic);
      }

      @Override
      public void unsubscribe(String topic) throws PeerException, IOException {
        peer.unsubscribe(topic);
      }
    };
  }

  public static PeersPort peers(Peer peer) {
    Objects.requireNonNull(peer, "peer == null");
    return () -> new PeerList(peer.peers().stream().map(PeerPorts::toApi).toList());
  }

  static PeerList.Peer toApi(PeerInfo p) {
    return new PeerList.Peer(p.pubkey(), p.displayName(), p.status(), p.summary(), p.title(), null,
        p.capabilities());
  }

  public static ProfilePort profile(Peer peer) {
    Objects.requireNonNull(peer, "peer == null");
    return profile -> peer.setProfile(toCore(profile));
  }

  /** The present members of {@code profile}, by their wire names, in a stable order. */
  static Map<String, @Nullable Object> toCore(Profile profile) {
    Map<String, @Nullable Object> m = new LinkedHashMap<>();
    putIfPresent(m, "summary", profile.summary());
    putIfPresent(m, "status", profile.status());
    putIfPresent(m, "visible", profile.visible());
    putIfPresent(m, "avatar", profile.avatar());
    putIfPresent(m, "title", profile.title());
    putIfPresent(m, "bio", profile.bio());
    putIfPresent(m, "capabilities", profile.capabilities());
    return m;
  }

  private static void putIfPresent(Map<String, @Nullable Object> m, String key,
      @Nullable Object value) {
    if (value != null) {
      m.put(key, value);
    }
  }

  /**
   * The peer's event bus. New streams are refused only when the outbox is out of disk (SPEC §4.9
   * at 100 %); a peer the broker stopped still streams, so its callers hear why.
   */
  public static EventsPort events(Peer peer) {
    Objects.requireNonNull(peer, "peer == null");
    return events(peer.eventBus(), () -> {
      DiskPressure pressure = peer.outbox().pressure();
      return pressure.level() == DiskPressure.Level.DEGRADED
          ? Optional.of("the outbox is out of storage (" + pressure + ")") : Optional.empty();
    });
  }

  /** An event bus as an {@link EventsPort}; {@code degraded} says why new streams are refused. */
  static EventsPort events(EventBus bus, java.util.function.Supplier<Optional<String>> degraded) {
    return new EventsPort() {
      @Override
      public long lastId() {
        return bus.lastId();
      }

      @Override
      public EventBus.Replay replaySince(long lastEventId) {
        return bus.replaySince(lastEventId);
      }

      @Override
      public AutoCloseable subscribe(Consumer<PeerEvent> listener) {
        return bus.subscribe(listener);
      }

      @Override
      public Optional<String> degraded() {
        return degraded.get();
      }
    };
  }


  /**
   * The peer's outbox. A cursor is the last row's {@code client_message_id}, base64url; the
   * requeue {@code id} is the row's {@code client_message_id}, as for {@code claudemesh daemon
   * outbox requeue}. A patch replaces the body and/or the whole meta of the old request; the
   * destination, reply and priority stay.
   */
  public static OutboxPort outbox(Peer peer) {
    Objects.requireNonNull(peer, "peer == null");
    return outbox(peer.outbox(), () -> peer.drain().wake());
  }

  /** {@link #outbox(Peer)} over {@code outbox}; {@code wake} tells the drain a row is pending. */
  static OutboxPort outbox(Outbox outbox, Runnable wake) {
    return new OutboxPort() {
      @Override
      public OutboxPage list(PageQuery query) throws InboxPort.BadCursorException, IOException {
        OutboxStatus status = query.status() == null ? null : OutboxStatus.fromWire(query.status());
        dev.claudemesh.core.store.OutboxRow after = null;
        if (query.cursor() != null) {
          after = outbox.find(cursorId(query.cursor())).orElseThrow(() ->
              new InboxPort.BadCursorException("no outbox row has this cursor"));
        }
        int limit = query.limit() == null ? OutboxHandlers.DEFAULT_LIMIT : query.limit();
        int ask = Math.min(limit + 1, PageQuery.MAX_LIMIT);
        List<dev.claudemesh.core.store.OutboxRow> rows = outbox.list(status, ask, after);
        boolean more = rows.size() > limit || (limit == ask && rows.size() == limit);
        List<dev.claudemesh.core.store.OutboxRow> page = rows.subList(0,
            Math.min(limit, rows.size()));
        String next = more && !page.isEmpty()
            ? cursor(page.get(page.size() - 1).clientMessageId()) : null;
        return new OutboxPage(page.stream().map(PeerPorts::toApi).toList(), next);
      }

      @Override
      public RequeueResponse requeue(RequeueRequest request, String requeuedBy)
          throws OutboxPort.RequeueRefusedException, IOException {
        dev.claudemesh.core.store.OutboxRow old = outbox.find(request.id()).orElseThrow(() ->
            new OutboxPort.RequeueRefusedException(ErrorCodes.NOT_FOUND,
                "no outbox row has client_message_id " + request.id()));
        try {
          FingerprintRequest patched = request.message() == null && request.meta() == null
              ? null : patch(old.request(), request.message(), request.meta());
          dev.claudemesh.core.store.OutboxRow row = outbox.requeue(request.id(),
              request.newClientMessageId(), patched, requeuedBy);
          wake.run();
          return new RequeueResponse(request.id(), row.id(), row.clientMessageId(),
              row.status().wireName());
        } catch (OutboxException e) {
          throw new OutboxPort.RequeueRefusedException(requeueCode(e.code()), e.getMessage());
        } catch (IllegalArgumentException e) {
          throw new OutboxPort.RequeueRefusedException(ErrorCodes.INVALID_REQUEST,
              e.getMessage());
        }
      }
    };
  }

  /** The API error code of a core requeue refusal. */
  static String requeueCode(String outboxCode) {
    switch (outboxCode) {
      case OutboxException.NOT_FOUND:
        return ErrorCodes.NOT_FOUND;
      case OutboxException.NOT_REQUEUEABLE:
        return ErrorCodes.OUTBOX_NOT_REQUEUEABLE;
      case OutboxException.ID_CONSUMED:
        // the new id is taken for good: the same 409 as a send reusing a consumed id
        return ErrorCodes.IDEMPOTENCY_KEY_REUSED;
      default:
        return ErrorCodes.INVALID_REQUEST;
    }
  }

  /** {@code old} with its body and/or meta replaced. */
  static FingerprintRequest patch(FingerprintRequest old, @Nullable String message,
      @Nullable Map<String, @Nullable Object> meta) {
    if (meta != null && Jcs.canonicalizeValue(meta).length() > Frames.MAX_META_CHARS) {
      throw new IllegalArgumentException("meta is over " + Frames.MAX_META_CHARS
          + " characters of JSON");
    }
    return FingerprintRequest.builder()
        .envelopeVersion(old.envelopeVersion())
        .destinationKind(old.destinationKind())
        .destinationRef(old.destinationRef())
        .replyToId(old.replyToId())
        .priority(old.priority())
        .meta(meta != null ? meta : old.meta())
        .body(message != null ? message : old.body())
        .build();
  }

  static String cursor(String clientMessageId) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString(clientMessageId.getBytes(StandardCharsets.UTF_8));
  }

  static String cursorId(String cursor) throws InboxPort.BadCursorException {
    try {
      return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new InboxPort.BadCursorException("not a cursor of this outbox");
    }
  }

  /** State and history of a row; never its payload. */
  static OutboxRow toApi(dev.claudemesh.core.store.OutboxRow r) {
    return new OutboxRow(r.id(), r.clientMessageId(), r.status().wireName(), r.attempts(),
        r.enqueuedAt().toEpochMilli(), r.nextAttemptAt().toEpochMilli(),
        r.fingerprint().prefixHex(), r.lastError().orElse(null),
        r.deliveredAt().map(Instant::toEpochMilli).orElse(null),
        r.brokerMessageId().orElse(null), r.historyId().orElse(null),
        r.abortedAt().map(Instant::toEpochMilli).orElse(null), r.abortedBy().orElse(null),
        r.supersededBy().orElse(null));
  }

  /**
   * What this daemon can talk to: its version (as in {@code /v1/version}), IPC {@code v1}, the
   * store schema versions it opens (1 up to the current, older ones migrated), every broker
   * feature it knows how to negotiate, and {@code requiredFeatures}: the {@code [features]
   * require} list the peer was built with.
   *
   * @throws IllegalArgumentException when a required feature is not one this daemon knows
   */
  public static CompatInfo compat(Peer peer, List<String> requiredFeatures) {
    Objects.requireNonNull(peer, "peer == null");
    List<String> required = requireKnown(requiredFeatures);
    return () -> compat(peer.health().peerVersion(), required);
  }

  /** A copy of {@code features}, each one this daemon negotiates, or a refusal naming it. */
  static List<String> requireKnown(List<String> features) {
    List<String> known = knownBrokerFeatures();
    for (String feature : features) {
      if (!known.contains(feature)) {
        throw new IllegalArgumentException("required feature " + feature
            + " is not one this daemon negotiates; known: " + known);
      }
    }
    return List.copyOf(features);
  }

  static Compat compat(String daemonVersion, List<String> requiredFeatures) {
    List<Integer> schemas = java.util.stream.IntStream.rangeClosed(1, Outbox.SCHEMA_VERSION)
        .boxed().toList();
    return new Compat(daemonVersion, List.of(Routes.API_VERSION), schemas, knownBrokerFeatures(),
        requiredFeatures);
  }

  /** The broker features of SPEC §7.2 this daemon can negotiate. */
  static List<String> knownBrokerFeatures() {
    List<String> known = new java.util.ArrayList<>(FeatureNegotiation.DEFAULT_REQUIRE);
    known.addAll(FeatureNegotiation.DEFAULT_OPTIONAL);
    return List.copyOf(known);
  }

  /**
   * Every route of the daemon served from {@code peer}: each port above, a heartbeat table on
   * {@code clock}, and metrics counting every request. The daemon and its benchmark wire a
   * server through this one place, so a benchmark measures what the daemon serves.
   */
  public static IpcServer.Builder serve(IpcServer.Builder builder, Peer peer,
      List<String> requiredFeatures, java.time.Clock clock) {
    return serve(builder, peer, requiredFeatures, clock,
        dev.claudemesh.daemon.metrics.DaemonMetrics.forPeer(peer));
  }

  /** {@link #serve(IpcServer.Builder, Peer, List, java.time.Clock)} reporting to {@code metrics}. */
  public static IpcServer.Builder serve(IpcServer.Builder builder, Peer peer,
      List<String> requiredFeatures, java.time.Clock clock,
      dev.claudemesh.daemon.metrics.DaemonMetrics metrics) {
    Objects.requireNonNull(builder, "builder == null");
    return builder
        .send(send(peer))
        .inbox(inbox(peer))
        .topics(topics(peer))
        .peers(peers(peer))
        .profile(profile(peer))
        .health(health(peer))
        .version(version(peer))
        .outbox(outbox(peer))
        .events(events(peer))
        .compat(compat(peer, requiredFeatures))
        .heartbeats(Heartbeats.inMemory(clock))
        .metrics(metrics);
  }

  public static HealthPort health(Peer peer) {
    Objects.requireNonNull(peer, "peer == null");
    return () -> toHealth(peer.health());
  }

  public static VersionInfo version(Peer peer) {
    Objects.requireNonNull(peer, "peer == null");
    return () -> {
      PeerHealth h = peer.health();
      Map<String, Object> features = new LinkedHashMap<>();
      h.brokerFeaturesNegotiated().forEach((k, v) -> features.put(k, integral(v)));
      return Version.current(h.peerVersion(), h.schemaVersion(), features);
    };
  }

  /**
   * {@code value} with integral doubles as longs, so negotiated parameters read {@code 30} rather
   * than {@code 30.0} (the broker's JSON numbers are parsed as doubles).
   */
  static @Nullable Object integral(@Nullable Object value) {
    if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 0x1p53) {
      return d.longValue();
    }
    if (value instanceof Map<?, ?> m) {
      Map<String, @Nullable Object> copy = new LinkedHashMap<>();
      m.forEach((k, v) -> copy.put(String.valueOf(k), integral(v)));
      return copy;
    }
    if (value instanceof java.util.List<?> l) {
      return l.stream().map(PeerPorts::integral).collect(java.util.stream.Collectors.toList());
    }
    return value;
  }

  static Health toHealth(PeerHealth h) {
    return new Health(h.connected(), h.lagMs(), h.queueDepth(), h.inflight(), h.dead(), h.mesh(),
        h.memberPubkey(), h.uptimeS(), h.schemaVersion(), h.peerVersion(), h.brokerVersion(),
        h.degraded());
  }
}
