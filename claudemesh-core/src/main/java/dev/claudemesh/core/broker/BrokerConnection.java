package dev.claudemesh.core.broker;

import dev.claudemesh.core.crypto.Ed25519SigningKey;
import dev.claudemesh.core.crypto.SignedStrings;
import dev.claudemesh.core.protocol.Ack;
import dev.claudemesh.core.protocol.ClientAck;
import dev.claudemesh.core.protocol.CloseCodes;
import dev.claudemesh.core.protocol.ErrorFrame;
import dev.claudemesh.core.protocol.FeatureNegotiation;
import dev.claudemesh.core.protocol.FeatureNegotiationRequest;
import dev.claudemesh.core.protocol.FeatureNegotiationResponse;
import dev.claudemesh.core.protocol.Frame;
import dev.claudemesh.core.protocol.Frames;
import dev.claudemesh.core.protocol.Hello;
import dev.claudemesh.core.protocol.HelloAck;
import dev.claudemesh.core.protocol.InvalidFrameException;
import dev.claudemesh.core.protocol.NegotiatedFeatures;
import dev.claudemesh.core.protocol.NegotiationFailure;
import dev.claudemesh.core.protocol.Ok;
import dev.claudemesh.core.protocol.PeersList;
import dev.claudemesh.core.protocol.Push;
import dev.claudemesh.core.protocol.Request;
import dev.claudemesh.core.protocol.SendFrame;
import dev.claudemesh.core.protocol.TopicsList;
import java.io.IOException;
import java.net.ProtocolException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import javax.net.SocketFactory;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker WebSocket client of SPEC §7: signed {@code hello}, feature negotiation, pipelined
 * sends with acks correlated by {@code id}, requests correlated by {@code _reqId}, pushes handed
 * to a {@link BrokerListener}, keepalive with a silence watchdog, reconnect with jittered
 * exponential backoff, and the close-code policy of §7.6.
 *
 * <p>Threads: OkHttp's reader thread decodes frames and correlates answers and never waits for
 * anyone. Listener callbacks run on one dedicated thread ({@code claudemesh-broker-dispatch-N}),
 * one at a time, in arrival order. Futures returned by {@link #send} and {@link #request}, and
 * every timer (handshake, ack timeouts, silence watchdog, reconnect), run on one scheduler thread
 * ({@code claudemesh-broker-timer-N}); a callback that blocks there delays timers, so callers that
 * touch disk move to their own executor. {@link #close()} stops both threads and, when the
 * connection built its own {@link OkHttpClient}, OkHttp's dispatcher and connection pool.
 *
 * <p>Time: the hello timestamp is read from the injected {@link Clock}; timeouts and elapsed
 * times are measured with the monotonic {@link System#nanoTime()}.
 */
public final class BrokerConnection implements BrokerLink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BrokerConnection.class);
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  /** Close code reported to the listener when the client itself gave up on a socket. */
  static final int ABNORMAL_CLOSURE = 1006;
  /** How long {@link #close()} waits for the broker to answer the close frame and for listeners. */
  static final Duration CLOSE_GRACE = Duration.ofSeconds(1);
  /** {@code event} of the system push that tells a member it was revoked. */
  public static final String MEMBER_REVOKED_EVENT = "member_revoked";
  /** Invalid frames logged at WARN before only every 1000th is. */
  private static final int INVALID_FRAMES_LOGGED = 10;

  private enum State {
    /** {@link #start()} not called yet. */
    NEW,
    /** A socket is being opened or is in the hello / negotiation handshake. */
    CONNECTING,
    /** Negotiated: sends flow. */
    CONNECTED,
    /** Waiting for the backoff delay before the next attempt. */
    WAITING,
    /** A fatal close (§7.6) or revocation: never reconnects. */
    STOPPED,
    /** {@link #close()} was called. */
    CLOSED
  }

  private enum Phase {
    OPENING,
    HELLO_SENT,
    NEGOTIATING,
    CONNECTED,
    ENDED
  }

  // ---- sealed configuration ----
  private final String url;
  private final String displayUrl;
  private final Ed25519SigningKey signingKey;
  private final String pubkeyHex;
  private final String meshId;
  private final String memberId;
  private final @Nullable String displayName;
  private final @Nullable String sessionPubkey;
  private final String peerType;
  private final String sessionId;
  private final String cwd;
  private final @Nullable String hostname;
  private final List<String> capabilities;
  private final List<String> require;
  private final List<String> optional;
  private final boolean negotiate;
  private final Clock clock;
  private final BrokerListener listener;
  private final Duration helloAckTimeout;
  private final Duration policyReconnectFloor;
  private final Duration ackTimeout;
  private final Duration pingInterval;
  private final Duration silenceTimeout;
  private final boolean watchSilence;
  private final int maxQueuedPushes;
  private final OkHttpClient client;
  private final boolean ownsClient;
  private final int instance;

  // ---- live state ----
  private final Object lock = new Object();
  private final Backoff backoff;
  private State state = State.NEW; // guarded by lock
  private volatile @Nullable Session session; // written under lock
  private @Nullable ScheduledFuture<?> reconnectTask; // guarded by lock
  private long nextAttemptNanos; // guarded by lock
  private int attempts; // guarded by lock
  private String lastClose = ""; // guarded by lock
  private @Nullable BrokerFatalException fatal; // guarded by lock
  private @Nullable ScheduledThreadPoolExecutor timer; // set once by start()
  private @Nullable ListenerDispatcher dispatcher; // set once by start()
  private volatile @Nullable HelloAck helloAck;
  private volatile @Nullable NegotiatedFeatures features;
  private volatile long lastHeardNanos = System.nanoTime();

  private final ConcurrentHashMap<String, Pending<Ack>> sends = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Pending<Frame>> requests = new ConcurrentHashMap<>();
  private final AtomicLong invalidFrames = new AtomicLong();
  private final AtomicLong droppedPushes = new AtomicLong();
  private final ConcurrentHashMap<String, AtomicLong> reconnects = new ConcurrentHashMap<>();

  private BrokerConnection(Builder b) {
    this.instance = INSTANCES.incrementAndGet();
    this.url = Objects.requireNonNull(b.url);
    this.displayUrl = displayUrl(url);
    this.signingKey = Objects.requireNonNull(b.signingKey);
    this.pubkeyHex = signingKey.publicKey().hex();
    this.meshId = Objects.requireNonNull(b.meshId);
    this.memberId = Objects.requireNonNull(b.memberId);
    this.displayName = b.displayName;
    this.sessionPubkey = b.sessionPubkey;
    this.peerType = b.peerType;
    this.sessionId = b.sessionId != null ? b.sessionId : UUID.randomUUID().toString();
    this.cwd = b.cwd != null ? b.cwd : System.getProperty("user.dir", "/");
    this.hostname = b.hostname;
    this.capabilities = List.copyOf(b.capabilities);
    this.require = List.copyOf(b.require);
    this.optional = List.copyOf(b.optional);
    this.negotiate = !b.skipNegotiation;
    this.clock = b.clock;
    this.listener = b.listener;
    this.helloAckTimeout = b.helloAckTimeout;
    this.policyReconnectFloor = b.policyReconnectFloor;
    this.ackTimeout = b.ackTimeout;
    this.pingInterval = b.pingInterval;
    this.maxQueuedPushes = b.maxQueuedPushes;
    this.backoff = new Backoff(b.backoffMin, b.backoffMax, b.random);

    Duration silence = b.silenceTimeout;
    if (!pingInterval.isZero() && silence.compareTo(pingInterval.multipliedBy(2)) < 0) {
      Duration clamped = pingInterval.multipliedBy(5).dividedBy(2);
      log.warn("silenceTimeout {} ms is shorter than two ping intervals ({} ms each) and would cut "
          + "healthy idle connections; using {} ms", silence.toMillis(), pingInterval.toMillis(),
          clamped.toMillis());
      silence = clamped;
    }
    this.silenceTimeout = silence;

    OkHttpClient base = b.client;
    this.ownsClient = base == null;
    OkHttpClient.Builder http = base == null ? new OkHttpClient.Builder() : base.newBuilder();
    http.pingInterval(pingInterval);
    SocketFactory factory = base == null ? SocketFactory.getDefault() : base.socketFactory();
    if (factory == SocketFactory.getDefault()) {
      http.socketFactory(new HearingSocketFactory(this::heard));
      this.watchSilence = true;
    } else {
      // a custom factory's sockets cannot be observed; OkHttp's ping failure still detects a dead
      // broker within two ping intervals
      log.warn("the OkHttpClient given to the broker connection has its own SocketFactory, so "
          + "silenceTimeout cannot see pongs and is disabled; dead brokers are detected by the "
          + "pingInterval ({} ms) alone", pingInterval.toMillis());
      this.watchSilence = false;
    }
    this.client = http.build();
  }

  public static Builder builder() {
    return new Builder();
  }

  // ================================================================ lifecycle

  /**
   * Connects in the background and keeps the connection up until {@link #close()} or a fatal
   * close. Returns at once; {@link BrokerListener#onConnected} says when sends may flow.
   *
   * @throws IllegalStateException if called twice or after {@link #close()}
   */
  public void start() {
    synchronized (lock) {
      if (state != State.NEW) {
        throw new IllegalStateException("start() may be called once; the connection to " + displayUrl
            + " is " + state.name().toLowerCase(Locale.ROOT));
      }
      ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, runnable -> {
        Thread thread = new Thread(runnable, "claudemesh-broker-timer-" + instance);
        thread.setDaemon(true);
        return thread;
      });
      t.setRemoveOnCancelPolicy(true);
      t.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
      t.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
      timer = t;
      dispatcher = new ListenerDispatcher("claudemesh-broker-dispatch-" + instance, maxQueuedPushes);
      logConfiguration();
      connectLocked();
    }
  }

  /**
   * Closes the socket with 1000, fails every pending send and request, and stops the threads this
   * connection started (and OkHttp's, when it built its own client). Idempotent; safe to call from
   * a listener or a future callback.
   */
  @Override
  public void close() {
    Session s;
    State before;
    synchronized (lock) {
      if (state == State.CLOSED) {
        return;
      }
      before = state;
      state = State.CLOSED;
      s = session;
      session = null;
      if (reconnectTask != null) {
        reconnectTask.cancel(false);
      }
      if (s != null) {
        s.phase = Phase.ENDED;
        s.cancelTimers();
      }
    }
    helloAck = null;
    features = null;
    String reason = "closed by the client";
    failPending(reason);
    if (s != null) {
      WebSocket ws = s.webSocket;
      if (ws != null) {
        ws.close(CloseCodes.NORMAL, reason);
      }
      post("onDisconnected", () -> listener.onDisconnected(CloseCodes.NORMAL, reason, false));
    }
    if (before != State.NEW) {
      log.info("broker connection to {} closed", displayUrl);
    }
    boolean interrupted = false;
    try {
      if (s != null && s.webSocket != null && !isOkHttpThread()) {
        s.finished.await(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    if (s != null && s.webSocket != null) {
      s.webSocket.cancel(); // no-op when the close handshake finished
    }
    ListenerDispatcher d = dispatcher;
    if (d != null) {
      try {
        d.close(CLOSE_GRACE);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    ScheduledThreadPoolExecutor t = timer;
    if (t != null) {
      t.shutdown();
      if (!Thread.currentThread().getName().equals("claudemesh-broker-timer-" + instance)) {
        try {
          if (!t.awaitTermination(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
            t.shutdownNow();
          }
        } catch (InterruptedException e) {
          interrupted = true;
          t.shutdownNow();
        }
      }
    }
    if (ownsClient) {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static boolean isOkHttpThread() {
    return Thread.currentThread().getName().startsWith("OkHttp");
  }

  private void logConfiguration() {
    log.info("broker connection to {} as member {} (mesh {}, session {}, peerType {}, pubkey {}): "
            + "{}, hello_ack timeout {} ms, ack timeout {} ms, ping {} ms, silence {}, "
            + "backoff {}..{} ms",
        displayUrl, memberId, meshId, sessionId, peerType, pubkeyHex,
        negotiate ? "require " + require + " optional " + optional : "no feature negotiation",
        helloAckTimeout.toMillis(), ackTimeout.toMillis(), pingInterval.toMillis(),
        watchSilence ? silenceTimeout.toMillis() + " ms" : "off", backoff.ceiling(0),
        backoff.ceiling(Integer.MAX_VALUE));
  }

  /** Opens a new socket. Caller holds {@link #lock}. */
  private void connectLocked() {
    attempts++;
    Session s = new Session(attempts);
    session = s;
    state = State.CONNECTING;
    okhttp3.Request request = new okhttp3.Request.Builder().url(url).build();
    s.webSocket = client.newWebSocket(request, s);
  }

  private void reconnectNow() {
    synchronized (lock) {
      if (state != State.WAITING) {
        return;
      }
      reconnectTask = null;
      connectLocked();
    }
  }

  // ================================================================ BrokerLink

  /**
   * Writes {@code frame} at once, without waiting for earlier sends, and completes with the
   * broker's {@code ack} of the same {@code id}. Fails with {@link IOException} when not connected
   * (at once), when the connection drops before the ack, and with {@link BrokerTimeoutException}
   * after the ack timeout; with {@link IllegalStateException} when a send of the same {@code id} is
   * already in flight.
   */
  @Override
  public CompletableFuture<Ack> send(SendFrame frame) {
    Objects.requireNonNull(frame, "frame == null");
    String text = Frames.encode(frame);
    return write("send", frame.id(), text, sends);
  }

  /**
   * Sends a §7.5 request and completes with the answer of the same {@code _reqId}: {@link
   * PeersList} for {@code list_peers}, {@link TopicsList} for {@code topic_list}, {@link Ok} for
   * the others. An {@code error} answer fails it with {@link BrokerErrorException}; the rest as
   * {@link #send}.
   */
  @Override
  public CompletableFuture<Frame> request(Request request) {
    Objects.requireNonNull(request, "request == null");
    String text = Frames.encode(request);
    return write(request.type(), request.reqId(), text, requests);
  }

  private <T> CompletableFuture<T> write(
      String what, String id, String text, ConcurrentHashMap<String, Pending<T>> pending) {
    Pending<T> entry;
    WebSocket ws;
    synchronized (lock) {
      Session s = session;
      if (state != State.CONNECTED || s == null || s.webSocket == null) {
        return CompletableFuture.failedFuture(notConnectedLocked());
      }
      entry = new Pending<>(what, id);
      Pending<T> existing = pending.putIfAbsent(id, entry);
      if (existing != null) {
        return CompletableFuture.failedFuture(new IllegalStateException(
            what + " " + id + " is already in flight on " + displayUrl + " (written "
                + existing.elapsed().toMillis() + " ms ago); wait for its answer before reusing the id"));
      }
      ws = s.webSocket;
    }
    ScheduledThreadPoolExecutor t = Objects.requireNonNull(timer);
    try {
      entry.timeout = t.schedule(() -> timedOut(pending, entry), ackTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // closing concurrently: close() fails what is pending
    }
    if (!ws.send(text)) {
      if (pending.remove(id, entry)) {
        entry.cancelTimeout();
        entry.future.completeExceptionally(new IOException(what + " " + id + " could not be written to "
            + displayUrl + ": the socket is closing or its outgoing buffer (16 MiB) is full"));
      }
    }
    return entry.future;
  }

  private <T> void timedOut(ConcurrentHashMap<String, Pending<T>> pending, Pending<T> entry) {
    if (!pending.remove(entry.id, entry)) {
      return;
    }
    Duration elapsed = entry.elapsed();
    String message = "no " + (entry.what.equals("send") ? "ack" : "answer") + " for " + entry.what + " "
        + entry.id + " from " + displayUrl + " within " + ackTimeout.toMillis() + " ms ("
        + elapsed.toMillis() + " ms elapsed, " + pending.size() + " more in flight)";
    entry.future.completeExceptionally(new BrokerTimeoutException(message, entry.id, elapsed));
  }

  /** Writes the {@code client_ack} if connected; false when the link is down. */
  @Override
  public boolean clientAck(ClientAck ack) {
    Objects.requireNonNull(ack, "ack == null");
    WebSocket ws;
    synchronized (lock) {
      Session s = session;
      // pushes may arrive right after hello_ack, while features are still being negotiated: their
      // acks must go out on the same socket, or the broker waits a whole lease to redeliver
      boolean sessionUp = state == State.CONNECTED || (state == State.CONNECTING && s != null && s.helloAck != null);
      if (!sessionUp || s == null || s.webSocket == null) {
        return false;
      }
      ws = s.webSocket;
    }
    return ws.send(Frames.encode(ack));
  }

  @Override
  public boolean isConnected() {
    synchronized (lock) {
      return state == State.CONNECTED;
    }
  }

  // ================================================================ observability

  /** The features agreed on the current connection; empty while not connected. */
  public Optional<NegotiatedFeatures> negotiatedFeatures() {
    return Optional.ofNullable(features);
  }

  /** The {@code hello_ack} of the current connection; empty while not connected. */
  public Optional<HelloAck> helloAck() {
    return Optional.ofNullable(helloAck);
  }

  /** Frames dropped since start: invalid, unexpected, or binary. */
  public long invalidFrames() {
    return invalidFrames.get();
  }

  /** Pushes dropped because the listener queue was full (the broker redelivers them). */
  public long droppedPushes() {
    return droppedPushes.get();
  }

  /** Reconnects scheduled since start, all reasons together. */
  public long reconnects() {
    long total = 0;
    for (AtomicLong n : reconnects.values()) {
      total += n.get();
    }
    return total;
  }

  /**
   * Reconnects by reason: {@code connect_failed}, {@code transport_failure}, {@code
   * hello_ack_timeout}, {@code negotiation_timeout}, {@code silence}, or {@code close_<code>} for
   * a close by the broker.
   */
  public Map<String, Long> reconnectsByReason() {
    Map<String, Long> out = new TreeMap<>();
    reconnects.forEach((reason, n) -> out.put(reason, n.get()));
    return Collections.unmodifiableMap(out);
  }

  /** Sends written and waiting for their ack. */
  public int inflightSends() {
    return sends.size();
  }

  /** The fatal close that stopped this connection, if any. */
  public Optional<BrokerFatalException> fatalFailure() {
    synchronized (lock) {
      return Optional.ofNullable(fatal);
    }
  }

  /** The delay before the next reconnect attempt is drawn from here (tests read its state). */
  Backoff backoff() {
    return backoff;
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "BrokerConnection{" + displayUrl + ", member=" + memberId + ", "
          + state.name().toLowerCase(Locale.ROOT) + ", inflight=" + sends.size() + "}";
    }
  }

  /**
   * Why a frame cannot be written now; the one place the not-connected message is built. Caller
   * holds {@link #lock}.
   */
  private IOException notConnectedLocked() {
    String why;
    switch (state) {
      case NEW:
        why = "start() was not called";
        break;
      case CONNECTING:
        why = "connecting (attempt " + attempts + ")";
        break;
      case WAITING:
        long millis = Math.max(0, TimeUnit.NANOSECONDS.toMillis(nextAttemptNanos - System.nanoTime()));
        why = "reconnecting in " + seconds(millis) + " s";
        break;
      case STOPPED:
        why = "stopped for good: " + (fatal == null ? "fatal close" : fatal.getMessage());
        break;
      case CLOSED:
        why = "the connection was closed";
        break;
      default:
        why = state.name().toLowerCase(Locale.ROOT);
    }
    String last = lastClose.isEmpty() ? "" : " (last close: " + lastClose + ")";
    return new IOException("not connected to " + displayUrl + last + "; " + why);
  }

  private static String seconds(long millis) {
    return millis % 1000 == 0 || millis >= 10_000
        ? Long.toString((millis + 999) / 1000)
        : String.format(Locale.ROOT, "%.1f", millis / 1000.0);
  }

  // ================================================================ inbound

  private void heard() {
    lastHeardNanos = System.nanoTime();
  }

  private void onText(Session s, String text) {
    heard();
    if (session != s) {
      return;
    }
    Frame frame;
    try {
      frame = Frames.decode(text);
    } catch (InvalidFrameException e) {
      invalid(e);
      return;
    }
    if (frame instanceof Ack) {
      Ack ack = (Ack) frame;
      answer(sends, ack.id(), frame, ack, null);
    } else if (frame instanceof Push) {
      onPush(s, (Push) frame, text.length());
    } else if (frame instanceof PeersList) {
      answerRequest(((PeersList) frame).reqId(), frame);
    } else if (frame instanceof TopicsList) {
      answerRequest(((TopicsList) frame).reqId(), frame);
    } else if (frame instanceof Ok) {
      answerRequest(((Ok) frame).reqId(), frame);
    } else if (frame instanceof ErrorFrame) {
      onError((ErrorFrame) frame);
    } else if (frame instanceof HelloAck) {
      onHelloAck(s, (HelloAck) frame);
    } else if (frame instanceof FeatureNegotiationResponse) {
      onNegotiationResponse(s, (FeatureNegotiationResponse) frame);
    } else {
      unexpected(frame, frame.type() + " is a frame only clients send");
    }
  }

  private void answerRequest(String reqId, Frame answer) {
    Pending<Frame> entry = requests.get(reqId);
    if (entry != null && !answers(entry.what, answer)) {
      if (requests.remove(reqId, entry)) {
        entry.cancelTimeout();
        settle(() -> entry.future.completeExceptionally(new ProtocolException("broker " + displayUrl
            + " answered " + entry.what + " " + reqId + " with " + answer.type())));
      }
      return;
    }
    answer(requests, reqId, answer, answer, null);
  }

  private static boolean answers(String requestType, Frame answer) {
    switch (requestType) {
      case Request.LIST_PEERS:
        return answer instanceof PeersList;
      case Request.TOPIC_LIST:
        return answer instanceof TopicsList;
      default:
        return answer instanceof Ok;
    }
  }

  private <T> void answer(
      ConcurrentHashMap<String, Pending<T>> pending, String id, Frame frame, @Nullable T value,
      @Nullable Throwable failure) {
    Pending<T> entry = pending.remove(id);
    if (entry == null) {
      unexpected(frame, frame.type() + " for " + id + ", which is not in flight");
      return;
    }
    entry.cancelTimeout();
    if (failure != null) {
      settle(() -> entry.future.completeExceptionally(failure));
    } else {
      settle(() -> entry.future.complete(value));
    }
  }

  private void onError(ErrorFrame error) {
    String reqId = error.reqId();
    if (reqId == null) {
      log.warn("broker {} reported an error: {}: {}", displayUrl, error.code(), error.message());
      return;
    }
    answer(requests, reqId, error, null, new BrokerErrorException(error.code(), error.message()));
  }

  private void onPush(Session s, Push push, int chars) {
    if (push.isSystem() && MEMBER_REVOKED_EVENT.equals(push.event()) && namesUs(push.eventData())) {
      deliver(push);
      log.error("broker {} revoked member {}; stopping for good", displayUrl, memberId);
      // end the session before touching the socket, so OkHttp's close callbacks find it gone
      endSession(s, CloseCodes.REVOKED, MEMBER_REVOKED_EVENT, null, null, null, true);
      WebSocket ws = s.webSocket;
      if (ws != null) {
        ws.close(CloseCodes.NORMAL, MEMBER_REVOKED_EVENT);
      }
      return;
    }
    deliver(push);
  }

  private void deliver(Push push) {
    ListenerDispatcher d = Objects.requireNonNull(dispatcher);
    if (!d.postPush("onPush", () -> listener.onPush(push))) {
      long dropped = droppedPushes.incrementAndGet();
      if (dropped <= INVALID_FRAMES_LOGGED || dropped % 1000 == 0) {
        log.warn("listener queue full ({} pushes waiting); dropped push delivery_id {} ({} dropped so "
            + "far); the broker redelivers it after its lease", maxQueuedPushes, push.deliveryId(), dropped);
      }
    }
  }

  /** Whether a {@code member_revoked} event names this member (by id or member pubkey). */
  private boolean namesUs(@Nullable Map<String, @Nullable Object> eventData) {
    if (eventData == null) {
      return false;
    }
    for (String key : List.of("memberId", "member_id")) {
      if (memberId.equals(eventData.get(key))) {
        return true;
      }
    }
    for (String key : List.of("pubkey", "memberPubkey", "member_pubkey")) {
      Object value = eventData.get(key);
      if (value instanceof String && pubkeyHex.equalsIgnoreCase((String) value)) {
        return true;
      }
    }
    return false;
  }

  private void invalid(InvalidFrameException problem) {
    long n = invalidFrames.incrementAndGet();
    if (n <= INVALID_FRAMES_LOGGED || n % 1000 == 0) {
      log.warn("dropped an invalid frame from {} ({} so far): {}", displayUrl, n, problem.getMessage());
    }
    post("onInvalidFrame", () -> listener.onInvalidFrame(problem));
  }

  private void unexpected(Frame frame, String problem) {
    long n = invalidFrames.incrementAndGet();
    if (n <= INVALID_FRAMES_LOGGED || n % 1000 == 0) {
      log.warn("dropped an unexpected frame from {} ({} so far): {}", displayUrl, n, problem);
    }
    post("onUnexpectedFrame", () -> listener.onUnexpectedFrame(frame, problem));
  }

  private void binary(Session s, int bytes) {
    heard();
    if (session != s) {
      return;
    }
    long n = invalidFrames.incrementAndGet();
    if (n <= INVALID_FRAMES_LOGGED || n % 1000 == 0) {
      log.warn("dropped a binary frame of {} bytes from {} ({} invalid so far): the protocol is JSON text",
          bytes, displayUrl, n);
    }
  }

  // ================================================================ handshake

  private void onOpen(Session s, WebSocket ws) {
    long timestamp = clock.millis();
    synchronized (lock) {
      if (session != s) {
        return;
      }
      s.phase = Phase.HELLO_SENT;
      heard();
      s.handshakeTimer = schedule(() -> handshakeTimedOut(s, Phase.HELLO_SENT), helloAckTimeout);
      if (watchSilence) {
        s.watchdog = schedule(() -> checkSilence(s), silenceTimeout);
      }
    }
    Hello hello = hello(timestamp, SignedStrings.signHello(signingKey, meshId, memberId, timestamp));
    log.debug("socket to {} open (attempt {}); hello sent, signature {}", displayUrl, s.number,
        hello.signature());
    ws.send(Frames.encode(hello));
  }

  private Hello hello(long timestamp, String signature) {
    return new Hello(meshId, memberId, pubkeyHex, sessionPubkey, displayName, sessionId,
        ProcessHandle.current().pid(), cwd, hostname, peerType, null, 1, capabilities, timestamp,
        signature);
  }

  private void onHelloAck(Session s, HelloAck ack) {
    WebSocket ws;
    synchronized (lock) {
      if (session != s || s.phase != Phase.HELLO_SENT) {
        ws = null;
      } else {
        ws = s.webSocket;
        cancel(s.handshakeTimer);
        s.helloAck = ack;
        if (negotiate) {
          s.phase = Phase.NEGOTIATING;
          s.handshakeTimer = schedule(() -> handshakeTimedOut(s, Phase.NEGOTIATING), helloAckTimeout);
        }
      }
    }
    if (ws == null) {
      unexpected(ack, "hello_ack outside the handshake");
      return;
    }
    log.debug("hello_ack from {}: presence {}, broker {}, protocol {}", displayUrl, ack.presenceId(),
        ack.brokerVersion(), ack.protocolVersion());
    if (negotiate) {
      ws.send(Frames.encode(new FeatureNegotiationRequest(require, optional)));
    } else {
      log.info("connected to {} (broker {}) without feature negotiation", displayUrl, ack.brokerVersion());
      becomeConnected(s, ack, NegotiatedFeatures.none());
    }
  }

  private void onNegotiationResponse(Session s, FeatureNegotiationResponse response) {
    HelloAck ack;
    synchronized (lock) {
      if (session != s || s.phase != Phase.NEGOTIATING) {
        ack = null;
      } else {
        ack = s.helloAck;
        cancel(s.handshakeTimer);
      }
    }
    if (ack == null) {
      unexpected(response, "feature_negotiation_response without a pending request");
      return;
    }
    List<String> warnings = new ArrayList<>();
    FeatureNegotiation.Outcome outcome = FeatureNegotiation.evaluate(response, require, optional, warnings::add);
    for (String warning : warnings) {
      log.warn("feature negotiation with {}: {}", displayUrl, warning);
    }
    NegotiationFailure failure = outcome.failure();
    if (failure == null) {
      NegotiatedFeatures agreed = Objects.requireNonNull(outcome.features());
      log.info("feature negotiation with {} (broker {}) succeeded: {}{}", displayUrl, ack.brokerVersion(),
          agreed.asMap(), warnings.isEmpty() ? "" : " (" + warnings.size() + " warnings)");
      becomeConnected(s, ack, agreed);
      return;
    }
    log.info("feature negotiation with {} (broker {}) failed: {} {}: {}", displayUrl, ack.brokerVersion(),
        failure.kind(), failure.feature(), failure.detail());
    log.warn("failed feature negotiation with {}: sent require {} optional {}; broker answered {}",
        displayUrl, require, optional, Frames.encode(response));
    String reason = failure.closeReason();
    endSession(s, CloseCodes.FEATURE_NEGOTIATION_FAILED, reason, null, failure, null, true);
    WebSocket ws = s.webSocket;
    if (ws != null) {
      ws.close(CloseCodes.FEATURE_NEGOTIATION_FAILED, reason);
    }
  }

  private void becomeConnected(Session s, HelloAck ack, NegotiatedFeatures agreed) {
    synchronized (lock) {
      if (session != s || state == State.CLOSED) {
        return;
      }
      s.phase = Phase.CONNECTED;
      state = State.CONNECTED;
      helloAck = ack;
      features = agreed;
      backoff.reset();
    }
    post("onConnected", () -> listener.onConnected(ack, agreed));
  }

  private void handshakeTimedOut(Session s, Phase phase) {
    synchronized (lock) {
      if (session != s || s.phase != phase) {
        return;
      }
    }
    String what = phase == Phase.HELLO_SENT ? "hello_ack" : "feature_negotiation_response";
    String reason = "no " + what + " within " + helloAckTimeout.toMillis() + " ms";
    log.warn("{} from {} (attempt {}); reconnecting", reason, displayUrl, s.number);
    endSession(s, ABNORMAL_CLOSURE, reason, null, null,
        phase == Phase.HELLO_SENT ? "hello_ack_timeout" : "negotiation_timeout", false);
    abandon(s, reason);
  }

  private void checkSilence(Session s) {
    if (session != s) {
      return;
    }
    long silentNanos = System.nanoTime() - lastHeardNanos;
    if (silentNanos < silenceTimeout.toNanos()) {
      synchronized (lock) {
        if (session == s) {
          s.watchdog = schedule(() -> checkSilence(s), silenceTimeout.minusNanos(silentNanos));
        }
      }
      return;
    }
    String reason = "nothing heard for " + TimeUnit.NANOSECONDS.toMillis(silentNanos) + " ms";
    log.warn("{} from {} (silence timeout {} ms); dropping the socket and reconnecting", reason,
        displayUrl, silenceTimeout.toMillis());
    endSession(s, ABNORMAL_CLOSURE, reason, null, null, "silence", false);
    WebSocket ws = s.webSocket;
    if (ws != null) {
      ws.cancel();
    }
  }

  /** Closes a socket the client gave up on, and cuts it if the broker does not answer promptly. */
  private void abandon(Session s, String reason) {
    WebSocket ws = s.webSocket;
    if (ws == null) {
      return;
    }
    ws.close(CloseCodes.NORMAL, reason.length() > 100 ? reason.substring(0, 100) : reason);
    schedule(ws::cancel, CLOSE_GRACE);
  }

  // ================================================================ disconnects

  /**
   * Ends {@code s} once: fails what is pending, tells the listener, and either schedules a
   * reconnect or stops for good.
   *
   * @param reconnectReason the counter to bump; null to derive it from {@code code}
   * @param forceFatal stop even if {@code code} would allow a reconnect
   */
  private void endSession(
      Session s, int code, String reason, @Nullable Throwable cause,
      @Nullable NegotiationFailure negotiationFailure, @Nullable String reconnectReason,
      boolean forceFatal) {
    boolean fatalNow;
    long delayMillis = 0;
    BrokerFatalException fatalException = null;
    String counter;
    synchronized (lock) {
      if (session != s) {
        return;
      }
      session = null;
      boolean wasOpen = s.phase != Phase.OPENING;
      s.phase = Phase.ENDED;
      s.cancelTimers();
      helloAck = null;
      features = null;
      lastClose = code == ABNORMAL_CLOSURE ? reason : "code " + code + (reason.isEmpty() ? "" : " " + reason);
      fatalNow = forceFatal || !CloseCodes.reconnects(code);
      counter = reconnectReason != null ? reconnectReason
          : code == ABNORMAL_CLOSURE ? (wasOpen ? "transport_failure" : "connect_failed")
          : "close_" + code;
      if (fatalNow) {
        state = State.STOPPED;
        fatalException = new BrokerFatalException(code, reason);
        fatal = fatalException;
      } else {
        state = State.WAITING;
        delayMillis = backoff.next().toMillis();
        if (code == CloseCodes.POLICY_VIOLATION) {
          delayMillis = Math.max(delayMillis, policyReconnectFloor.toMillis()); // no tight loop (SPEC §7.6)
        }
        nextAttemptNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis);
        reconnects.computeIfAbsent(counter, k -> new AtomicLong()).incrementAndGet();
        reconnectTask = schedule(this::reconnectNow, Duration.ofMillis(delayMillis));
      }
    }
    failPending("connection to " + displayUrl + " ended (" + (code == ABNORMAL_CLOSURE ? reason
        : "code " + code + (reason.isEmpty() ? "" : ", " + reason)) + ")");
    if (fatalNow) {
      log.error("{}; not reconnecting", Objects.requireNonNull(fatalException).getMessage());
    } else if (cause != null) {
      log.warn("connection to {} failed (attempt {}): {}; reconnecting in {} ms", displayUrl, s.number,
          cause.toString(), delayMillis);
    } else {
      log.info("connection to {} ended (attempt {}, {}); reconnecting in {} ms", displayUrl, s.number,
          code == ABNORMAL_CLOSURE ? reason : "code " + code + " " + reason, delayMillis);
    }
    boolean willReconnect = !fatalNow;
    post("onDisconnected", () -> listener.onDisconnected(code, reason, willReconnect));
    if (negotiationFailure != null) {
      post("onNegotiationFailed", () -> listener.onNegotiationFailed(negotiationFailure));
    }
    if (fatalException != null) {
      BrokerFatalException f = fatalException;
      post("onFatal", () -> listener.onFatal(f));
    }
  }

  private void failPending(String why) {
    failAll(sends, why);
    failAll(requests, why);
  }

  private <T> void failAll(ConcurrentHashMap<String, Pending<T>> pending, String why) {
    for (Pending<T> entry : pending.values()) {
      if (pending.remove(entry.id, entry)) {
        entry.cancelTimeout();
        IOException e = new IOException(why + " before the " + (entry.what.equals("send") ? "ack" : "answer")
            + " of " + entry.what + " " + entry.id + ", written " + entry.elapsed().toMillis() + " ms earlier");
        settle(() -> entry.future.completeExceptionally(e));
      }
    }
  }

  // ================================================================ plumbing

  /** Completes a future off OkHttp's reader thread (inline once the timer is gone). */
  private void settle(Runnable completion) {
    ScheduledThreadPoolExecutor t = timer;
    if (t != null) {
      try {
        t.execute(completion);
        return;
      } catch (RejectedExecutionException e) {
        // closed: complete inline
      }
    }
    completion.run();
  }

  private @Nullable ScheduledFuture<?> schedule(Runnable task, Duration delay) {
    ScheduledThreadPoolExecutor t = timer;
    if (t == null) {
      return null;
    }
    try {
      return t.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return null; // closed
    }
  }

  private static void cancel(@Nullable ScheduledFuture<?> task) {
    if (task != null) {
      task.cancel(false);
    }
  }

  private void post(String what, Runnable action) {
    ListenerDispatcher d = dispatcher;
    if (d != null) {
      d.post(what, action);
    }
  }

  /** {@code scheme://host[:port]/path} without user info or query, for messages and logs. */
  static String displayUrl(String url) {
    boolean ws = url.regionMatches(true, 0, "ws", 0, 2);
    HttpUrl parsed = HttpUrl.parse(ws ? "http" + url.substring(2) : url);
    if (parsed == null) {
      return url.length() > 200 ? url.substring(0, 200) + "…" : url;
    }
    String scheme = ws ? (parsed.isHttps() ? "wss" : "ws") : parsed.scheme();
    String host = parsed.host().contains(":") ? "[" + parsed.host() + "]" : parsed.host();
    String port = parsed.port() == HttpUrl.defaultPort(parsed.scheme()) ? "" : ":" + parsed.port();
    return scheme + "://" + host + port + parsed.encodedPath();
  }

  /** One frame waiting for its answer. */
  private static final class Pending<T> {
    final String what;
    final String id;
    final CompletableFuture<T> future = new CompletableFuture<>();
    final long startNanos = System.nanoTime();
    volatile @Nullable ScheduledFuture<?> timeout;

    Pending(String what, String id) {
      this.what = what;
      this.id = id;
    }

    Duration elapsed() {
      return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    void cancelTimeout() {
      cancel(timeout);
    }
  }

  /** One socket: from connect to close. Callbacks of a socket that is no longer current are ignored. */
  private final class Session extends WebSocketListener {
    final int number;
    final CountDownLatch finished = new CountDownLatch(1);
    volatile @Nullable WebSocket webSocket;
    Phase phase = Phase.OPENING; // guarded by lock
    @Nullable HelloAck helloAck; // guarded by lock
    @Nullable ScheduledFuture<?> handshakeTimer; // guarded by lock
    @Nullable ScheduledFuture<?> watchdog; // guarded by lock

    Session(int number) {
      this.number = number;
    }

    void cancelTimers() {
      cancel(handshakeTimer);
      cancel(watchdog);
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      this.webSocket = webSocket;
      BrokerConnection.this.onOpen(this, webSocket);
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      onText(this, text);
    }

    @Override
    public void onMessage(WebSocket webSocket, ByteString bytes) {
      binary(this, bytes.size());
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      heard();
      webSocket.close(CloseCodes.NORMAL, null);
      brokerClosed(code, reason);
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
      finished.countDown();
      brokerClosed(code, reason);
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable t, @Nullable Response response) {
      finished.countDown();
      String reason = response != null
          ? "handshake answered HTTP " + response.code()
          : t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
      endSession(this, ABNORMAL_CLOSURE, reason, t, null, null, false);
    }

    private void brokerClosed(int code, String reason) {
      NegotiationFailure failure = code == CloseCodes.FEATURE_NEGOTIATION_FAILED
          ? NegotiationFailure.parseCloseReason(reason) : null;
      endSession(this, code, reason, null, failure, null, false);
    }
  }

  // ================================================================ builder

  /**
   * Configures a {@link BrokerConnection}. Setters reject null and bad values at once; {@link
   * #build()} checks what needs several fields and fills defaults.
   */
  public static final class Builder {
    private @Nullable String url;
    private @Nullable Ed25519SigningKey signingKey;
    private @Nullable String meshId;
    private @Nullable String memberId;
    private @Nullable String displayName;
    private @Nullable String sessionPubkey;
    private String peerType = "ai";
    private @Nullable String sessionId;
    private @Nullable String cwd;
    private @Nullable String hostname;
    private List<String> capabilities = List.of();
    private List<String> require = FeatureNegotiation.DEFAULT_REQUIRE;
    private boolean requireSet;
    private List<String> optional = FeatureNegotiation.DEFAULT_OPTIONAL;
    private boolean skipNegotiation;
    private Clock clock = Clock.systemUTC();
    private BrokerListener listener = new BrokerListener() {};
    private @Nullable OkHttpClient client;
    private Duration helloAckTimeout = Duration.ofSeconds(5);
    private Duration policyReconnectFloor = CloseCodes.POLICY_RECONNECT_FLOOR;
    private Duration ackTimeout = Duration.ofSeconds(15);
    private Duration pingInterval = Duration.ofSeconds(30);
    private Duration silenceTimeout = Duration.ofSeconds(75);
    private Duration backoffMin = Duration.ofSeconds(1);
    private Duration backoffMax = Duration.ofSeconds(30);
    private int maxQueuedPushes = 1024;
    private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();

    Builder() {}

    /** The broker's WebSocket URL, {@code ws://host:port/ws} or {@code wss://…}. */
    public Builder url(String url) {
      Objects.requireNonNull(url, "url == null");
      if (!url.regionMatches(true, 0, "ws://", 0, 5) && !url.regionMatches(true, 0, "wss://", 0, 6)) {
        throw new IllegalArgumentException("url must start with ws:// or wss://, got " + displayUrl(url));
      }
      if (HttpUrl.parse("http" + url.substring(2)) == null) {
        throw new IllegalArgumentException("url is not a valid URL: " + displayUrl(url));
      }
      this.url = url;
      return this;
    }

    /** The member's ed25519 key; signs the hello. */
    public Builder signingKey(Ed25519SigningKey signingKey) {
      this.signingKey = Objects.requireNonNull(signingKey, "signingKey == null");
      return this;
    }

    public Builder meshId(String meshId) {
      this.meshId = Objects.requireNonNull(meshId, "meshId == null");
      return this;
    }

    public Builder memberId(String memberId) {
      this.memberId = Objects.requireNonNull(memberId, "memberId == null");
      return this;
    }

    public Builder displayName(String displayName) {
      this.displayName = Objects.requireNonNull(displayName, "displayName == null");
      return this;
    }

    /** The session key (64 hex) a peer seals with when it is not its member key. */
    public Builder sessionPubkey(String sessionPubkey) {
      this.sessionPubkey = Objects.requireNonNull(sessionPubkey, "sessionPubkey == null");
      return this;
    }

    /** {@code ai} (default), {@code human} or {@code connector}. */
    public Builder peerType(String peerType) {
      Objects.requireNonNull(peerType, "peerType == null");
      if (!Hello.PEER_TYPES.contains(peerType)) {
        throw new IllegalArgumentException("peerType must be one of " + Hello.PEER_TYPES + ", got " + peerType);
      }
      this.peerType = peerType;
      return this;
    }

    /** Defaults to a random UUID, fixed for the life of the connection (across reconnects). */
    public Builder sessionId(String sessionId) {
      this.sessionId = Objects.requireNonNull(sessionId, "sessionId == null");
      return this;
    }

    /** Defaults to the JVM's working directory. */
    public Builder cwd(String cwd) {
      this.cwd = Objects.requireNonNull(cwd, "cwd == null");
      return this;
    }

    public Builder hostname(String hostname) {
      this.hostname = Objects.requireNonNull(hostname, "hostname == null");
      return this;
    }

    public Builder capabilities(List<String> capabilities) {
      this.capabilities = copy(capabilities, "capabilities");
      return this;
    }

    /** Features whose absence fails the negotiation; default {@link FeatureNegotiation#DEFAULT_REQUIRE}. */
    public Builder requireFeatures(List<String> require) {
      this.require = copy(require, "require");
      this.requireSet = true;
      return this;
    }

    /** Features asked for without requiring them; default {@link FeatureNegotiation#DEFAULT_OPTIONAL}. */
    public Builder optionalFeatures(List<String> optional) {
      this.optional = copy(optional, "optional");
      return this;
    }

    /**
     * Speak hello/send/push only, as an original claudemesh peer does: no feature negotiation,
     * connected as soon as the {@code hello_ack} arrives.
     */
    public Builder skipNegotiation(boolean skipNegotiation) {
      this.skipNegotiation = skipNegotiation;
      return this;
    }

    /** The clock the hello timestamp is read from. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    public Builder listener(BrokerListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener == null");
      return this;
    }

    /**
     * A client to derive from (shares its dispatcher and pool, which {@link BrokerConnection#close()}
     * then leaves alone). Without one the connection builds and owns its own.
     */
    public Builder client(OkHttpClient client) {
      this.client = Objects.requireNonNull(client, "client == null");
      return this;
    }

    /** Least delay before reconnecting after a 1008 close; default 60 s (tests shrink it). */
    public Builder policyReconnectFloor(Duration floor) {
      this.policyReconnectFloor = positive(floor, "policyReconnectFloor");
      return this;
    }

    public Builder helloAckTimeout(Duration timeout) {
      this.helloAckTimeout = positive(timeout, "helloAckTimeout");
      return this;
    }

    public Builder ackTimeout(Duration timeout) {
      this.ackTimeout = positive(timeout, "ackTimeout");
      return this;
    }

    /** WebSocket ping interval; zero disables pings. */
    public Builder pingInterval(Duration interval) {
      Objects.requireNonNull(interval, "pingInterval == null");
      if (interval.isNegative()) {
        throw new IllegalArgumentException("pingInterval must not be negative, got " + interval);
      }
      this.pingInterval = interval;
      return this;
    }

    /** Drop and reconnect a socket on which nothing (frame, ping or pong) was heard this long. */
    public Builder silenceTimeout(Duration timeout) {
      this.silenceTimeout = positive(timeout, "silenceTimeout");
      return this;
    }

    public Builder backoffMin(Duration min) {
      this.backoffMin = positive(min, "backoffMin");
      return this;
    }

    public Builder backoffMax(Duration max) {
      this.backoffMax = positive(max, "backoffMax");
      if (max.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException("backoffMax must be at most one day, got " + max);
      }
      return this;
    }

    /** Pushes that may wait for the listener before further pushes are dropped; default 1024. */
    public Builder maxQueuedPushes(int maxQueuedPushes) {
      if (maxQueuedPushes < 1) {
        throw new IllegalArgumentException("maxQueuedPushes must be at least 1, got " + maxQueuedPushes);
      }
      this.maxQueuedPushes = maxQueuedPushes;
      return this;
    }

    /** The jitter source, values in {@code [0, 1)}; tests pin it. */
    Builder random(DoubleSupplier random) {
      this.random = Objects.requireNonNull(random, "random == null");
      return this;
    }

    /**
     * Checks the required fields (url, signingKey, meshId, memberId) and the rules that span
     * fields, then builds a connection that has not started.
     *
     * @throws IllegalStateException if a required field is missing
     * @throws IllegalArgumentException if fields contradict each other or would make an invalid hello
     */
    public BrokerConnection build() {
      requirePresent(url, "url");
      requirePresent(signingKey, "signingKey");
      requirePresent(meshId, "meshId");
      requirePresent(memberId, "memberId");
      if (backoffMin.compareTo(backoffMax) > 0) {
        throw new IllegalArgumentException("backoffMin (" + backoffMin.toMillis() + " ms) must not exceed "
            + "backoffMax (" + backoffMax.toMillis() + " ms)");
      }
      if (skipNegotiation && requireSet && !require.isEmpty()) {
        throw new IllegalArgumentException("skipNegotiation cannot be combined with requireFeatures "
            + require + ": a broker that is not asked cannot promise them");
      }
      LinkedHashSet<String> both = new LinkedHashSet<>(require);
      both.retainAll(optional);
      if (!both.isEmpty()) {
        throw new IllegalArgumentException("features " + both + " are in both requireFeatures and optionalFeatures");
      }
      new FeatureNegotiationRequest(require, optional); // checks the names
      // checks every hello field now rather than at the first connect
      new Hello(meshId, memberId, signingKey.publicKey().hex(), sessionPubkey, displayName,
          sessionId != null ? sessionId : "session", 0, cwd != null ? cwd : "/", hostname, peerType,
          null, 1, capabilities, 0, "0".repeat(128));
      return new BrokerConnection(this);
    }

    private static void requirePresent(@Nullable Object value, String name) {
      if (value == null) {
        throw new IllegalStateException(name + " is required");
      }
    }

    private static List<String> copy(List<String> list, String name) {
      Objects.requireNonNull(list, name + " == null");
      for (String item : list) {
        Objects.requireNonNull(item, name + " contains null");
      }
      return List.copyOf(list);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name + " == null");
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got " + d);
      }
      return d;
    }
  }
}
