package dev.claudemesh.broker;

import dev.claudemesh.broker.store.Member;
import dev.claudemesh.core.protocol.Frame;
import dev.claudemesh.core.protocol.Frames;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection: the Jetty listener and the connection's state. Before {@code hello}
 * only a hello is accepted; afterwards frames go to the {@link Hub}. Writes (and a close) are queued
 * in call order and written by one task at a time, so pushes to one connection keep their order.
 *
 * <p>Public only because Jetty calls listener methods through method handles, which need a public
 * class; it cannot be constructed outside this package and is not an API.
 */
public final class Connection implements Session.Listener.AutoDemanding {
  private static final Logger log = LoggerFactory.getLogger(Connection.class);

  final String id;
  private final Hub hub;
  private volatile @Nullable Session session;
  private volatile boolean closed;
  volatile long lastHeard;
  volatile long lastPing;
  volatile @Nullable ScheduledFuture<?> helloTimer;

  // set once by the hello, read by any thread afterwards
  volatile @Nullable Member member;
  volatile @Nullable String sessionPubkey;
  volatile @Nullable String presenceId;
  volatile long connectedAt;
  volatile boolean revoked;

  // profile (set_* requests)
  volatile @Nullable String displayName;
  volatile String peerType = "ai";
  volatile @Nullable String status;
  volatile @Nullable String summary;
  volatile @Nullable String title;
  volatile boolean visible = true;
  volatile List<String> capabilities = List.of();

  private final java.util.concurrent.ConcurrentLinkedQueue<Object> outbound =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final java.util.concurrent.atomic.AtomicBoolean draining = new java.util.concurrent.atomic.AtomicBoolean();
  private final Callback writeFailed;
  /** When the idle close was sent (broker clock), 0 before: the close is sent once. */
  volatile long idleCloseSentAt;
  /** Largest frame accepted before a successful hello. */
  static final int MAX_HELLO_CHARS = 64 * 1024;
  /** Largest frame accepted after it: Jetty's limit sits above the protocol's, so such a frame gets an answer. */
  static final long MAX_MESSAGE_CHARS = 4L * Frames.MAX_FRAME_CHARS;

  /** The member authenticated: frames up to the protocol limit from now on. */
  void authenticatedLimits() {
    Session s = session;
    if (s != null) {
      s.setMaxTextMessageSize(MAX_MESSAGE_CHARS);
    }
  }

  Connection(String id, Hub hub) {
    this.id = id;
    this.hub = hub;
    // a write fails when the socket is gone or when the peer stopped reading and Jetty's outgoing
    // queue is full (maxOutgoingFrames): either way the connection is of no more use
    this.writeFailed = Callback.from(() -> { }, failure -> {
      if (!closed) {
        log.warn("connection {}: a write failed ({}); dropping the connection", id, failure.getClass().getSimpleName());
        disconnect();
      }
    });
  }

  boolean authenticated() {
    return member != null;
  }

  Member memberOrThrow() {
    Member m = member;
    if (m == null) {
      throw new IllegalStateException("connection " + id + " has no member yet");
    }
    return m;
  }

  /** The key a DM from this connection is sealed with: its session key, else its member key. */
  String senderPubkey() {
    String session = sessionPubkey;
    return session != null ? session : memberOrThrow().pubkey();
  }

  String shownName() {
    String name = displayName;
    return name != null ? name : memberOrThrow().displayName();
  }

  @Override
  public void onWebSocketOpen(Session session) {
    // until hello succeeds only a hello is accepted, and a hello is small
    session.setMaxTextMessageSize(MAX_HELLO_CHARS);
    this.session = session;
    lastHeard = hub.now();
    lastPing = lastHeard;
    hub.opened(this);
  }

  @Override
  public void onWebSocketText(String text) {
    lastHeard = hub.now();
    try {
      hub.onText(this, text);
    } catch (RuntimeException e) { // a bug must not kill the connection's reader
      log.error("unexpected failure handling a frame on connection {}", id, e);
    }
  }

  @Override
  public void onWebSocketBinary(ByteBuffer payload, org.eclipse.jetty.websocket.api.Callback callback) {
    lastHeard = hub.now();
    callback.succeed();
    hub.onBinary(this);
  }

  @Override
  public void onWebSocketPong(ByteBuffer payload) {
    lastHeard = hub.now();
  }

  @Override
  public void onWebSocketPing(ByteBuffer payload) {
    lastHeard = hub.now();
  }

  @Override
  public void onWebSocketClose(int statusCode, @Nullable String reason) {
    closed = true;
    ScheduledFuture<?> timer = helloTimer;
    if (timer != null) {
      timer.cancel(false);
    }
    hub.closed(this, statusCode);
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    log.debug("connection {} failed: {}", id, cause.toString());
  }

  boolean isOpen() {
    Session s = session;
    return !closed && s != null && s.isOpen();
  }

  /** Enqueues a frame; dropped silently when the connection is gone. */
  void send(Frame frame) {
    enqueue(frame);
  }

  void sendText(String text) {
    enqueue(text);
  }

  /**
   * Outbound frames are encoded and handed to Jetty by one task at a time on the hub's outbound
   * executor, in the order they were enqueued, so a caller (often the store's writer thread
   * completing a commit) only appends to a queue. A burst is drained by one task.
   */
  private void enqueue(Object item) {
    if (session == null || closed) {
      return;
    }
    outbound.add(item);
    if (draining.compareAndSet(false, true)) {
      try {
        hub.outboundExecutor().execute(this::drainOutbound);
      } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
        drainOutbound();
      }
    }
  }

  private void drainOutbound() {
    while (true) {
      for (Object item; (item = outbound.poll()) != null; ) {
        write(item);
      }
      draining.set(false);
      // an item added after the last poll but before the flag cleared would otherwise wait
      if (outbound.isEmpty() || !draining.compareAndSet(false, true)) {
        return;
      }
    }
  }

  private void write(Object item) {
    Session s = session;
    if (s == null) {
      return;
    }
    try {
      if (item instanceof CloseRequest) {
        CloseRequest close = (CloseRequest) item;
        s.close(close.code(), close.reason(), Callback.NOOP);
        return;
      }
      if (closed) {
        return;
      }
      String text = item instanceof String ? (String) item : Frames.encode((Frame) item);
      s.sendText(text, writeFailed);
    } catch (RuntimeException e) { // one bad frame must not stop the frames behind it
      log.error("writing to connection {} failed", id, e);
    }
  }

  private record CloseRequest(int code, String reason) {}

  void ping() {
    Session s = session;
    if (s == null || closed) {
      return;
    }
    lastPing = hub.now();
    synchronized (this) {
      s.sendPing(ByteBuffer.allocate(0), Callback.NOOP);
    }
  }

  /** Drops the connection without a close handshake, as a network failure would. */
  void disconnect() {
    Session s = session;
    if (s != null) {
      s.disconnect();
    }
  }

  /**
   * Closes with a code and a short reason (at most 123 bytes), after every frame enqueued before.
   */
  void close(int code, String reason) {
    if (session == null) {
      return;
    }
    outbound.add(new CloseRequest(code, reason));
    if (draining.compareAndSet(false, true)) {
      try {
        hub.outboundExecutor().execute(this::drainOutbound);
      } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
        drainOutbound();
      }
    }
  }

  /** Closes at once, ahead of anything still queued (broker shutdown). */
  void closeNow(int code, String reason) {
    Session s = session;
    if (s != null) {
      s.close(code, reason, Callback.NOOP);
    }
  }

  @Override
  public String toString() {
    Member m = member;
    return "Connection{" + id + (m == null ? ", awaiting hello" : ", member=" + m.id()) + "}";
  }
}
