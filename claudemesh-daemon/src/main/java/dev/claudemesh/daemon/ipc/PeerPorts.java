package dev.claudemesh.daemon.ipc;

import dev.claudemesh.api.ApiJson;
import dev.claudemesh.api.ApiJsonException;
import dev.claudemesh.api.Health;
import dev.claudemesh.api.InboxMessage;
import dev.claudemesh.api.InboxPage;
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
import dev.claudemesh.core.fingerprint.Priority;
import dev.claudemesh.core.protocol.PeerInfo;
import dev.claudemesh.core.store.DiskPressure;
import dev.claudemesh.core.store.InboxQuery;
import java.io.IOException;
import java.time.Instant;
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
    EventBus bus = peer.eventBus();
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
        return peer.events(listener);
      }

      @Override
      public Optional<String> degraded() {
        DiskPressure pressure = peer.outbox().pressure();
        return pressure.level() == DiskPressure.Level.DEGRADED
            ? Optional.of("the outbox is out of storage (" + pressure + ")") : Optional.empty();
      }
    };
  }

  public static HealthPort health(Peer peer) {
    Objects.requireNonNull(peer, "peer == null");
    return () -> toHealth(peer.health());
  }

  public static VersionInfo version(Peer peer) {
    Objects.requireNonNull(peer, "peer == null");
    return () -> {
      PeerHealth h = peer.health();
      Map<String, Object> features = new LinkedHashMap<>(h.brokerFeaturesNegotiated());
      return Version.current(h.peerVersion(), h.schemaVersion(), features);
    };
  }

  static Health toHealth(PeerHealth h) {
    return new Health(h.connected(), h.lagMs(), h.queueDepth(), h.inflight(), h.dead(), h.mesh(),
        h.memberPubkey(), h.uptimeS(), h.schemaVersion(), h.peerVersion(), h.brokerVersion(),
        h.degraded());
  }
}
