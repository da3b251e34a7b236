package dev.claudemesh.core.broker;

import dev.claudemesh.core.protocol.Frame;
import dev.claudemesh.core.protocol.Frames;
import dev.claudemesh.core.protocol.InvalidFrameException;
import dev.claudemesh.core.protocol.SendFrame;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;
import org.jspecify.annotations.Nullable;

/**
 * A scripted broker on MockWebServer's WebSocket upgrade. Every upgrade is one {@link Conn} that
 * records the frames the client sent; by default it answers {@code hello} with a {@code
 * hello_ack} and the negotiation request with {@link #negotiation}, and leaves {@code send}s
 * unanswered unless {@link #autoAck} is on. Tests flip the switches before or during a run and
 * write whatever they like through {@link Conn#socket}.
 */
final class FakeBroker implements AutoCloseable {
  static final String HELLO_ACK =
      "{\"type\":\"hello_ack\",\"presenceId\":\"presence-1\",\"memberDisplayName\":\"alice\","
          + "\"protocolVersion\":1,\"brokerVersion\":\"fake-1\"}";

  /** A response granting the default required and optional features. */
  static final String GOOD_NEGOTIATION = negotiation(
      "\"client_message_id_dedupe\":{\"params\":{\"version\":1,\"mode\":\"retention_scoped\","
          + "\"dedupe_retention_days\":7,\"request_fingerprint\":true}},"
          + "\"concurrent_connection_policy\":{\"params\":{\"version\":1,\"default_policy\":\"prefer_newest\"}},"
          + "\"member_keypair_rotated_event\":{\"params\":{\"version\":1}},"
          + "\"key_epoch\":{\"params\":{\"version\":1,\"max_concurrent_epochs\":2}},"
          + "\"max_payload\":{\"params\":{\"version\":1,\"inline_bytes\":65536,\"blob_bytes\":1048576}}",
      "");

  static String negotiation(String supportedMembers, String missingRequired) {
    return "{\"type\":\"feature_negotiation_response\",\"supported\":{" + supportedMembers
        + "},\"missing_required\":[" + missingRequired + "]}";
  }

  final MockWebServer server = new MockWebServer();
  final BlockingQueue<Conn> connections = new LinkedBlockingQueue<>();
  final AtomicInteger upgrades = new AtomicInteger();
  volatile boolean answerHello = true;
  volatile @Nullable String negotiation = GOOD_NEGOTIATION;
  volatile boolean autoAck;
  volatile boolean failHandshake;

  FakeBroker() throws IOException {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        upgrades.incrementAndGet();
        if (failHandshake) {
          return new MockResponse.Builder().code(503).build();
        }
        Conn conn = new Conn();
        connections.add(conn);
        return new MockResponse.Builder().webSocketUpgrade(conn).build();
      }
    });
    server.start();
  }

  String url() {
    return "ws://" + server.getHostName() + ":" + server.getPort() + "/ws";
  }

  /** The next connection the client opened, once its socket is open on the broker side. */
  Conn nextConnection() throws InterruptedException {
    Conn conn = connections.poll(10, TimeUnit.SECONDS);
    if (conn == null) {
      throw new AssertionError("the client did not connect within 10 s");
    }
    conn.awaitOpen();
    return conn;
  }

  static String ack(String id, int status) {
    return "{\"type\":\"ack\",\"id\":\"" + id + "\",\"status\":" + status + ",\"client_message_id\":\"" + id
        + "\",\"broker_message_id\":\"b-" + id + "\",\"duplicate\":" + (status == 200) + ",\"queued\":false"
        + (status >= 300 ? ",\"error\":{\"code\":\"rejected\",\"message\":\"no\",\"permanent\":true}" : "")
        + "}";
  }

  @Override
  public void close() {
    server.close();
  }

  /** The broker side of one client socket. */
  final class Conn extends WebSocketListener {
    final BlockingQueue<Frame> received = new LinkedBlockingQueue<>();
    final List<String> texts = new CopyOnWriteArrayList<>();
    final BlockingQueue<String> closes = new LinkedBlockingQueue<>();
    private final java.util.concurrent.CountDownLatch open = new java.util.concurrent.CountDownLatch(1);
    volatile @Nullable WebSocket socket;

    void awaitOpen() throws InterruptedException {
      if (!open.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("broker side of the socket did not open within 10 s");
      }
    }

    WebSocket socket() {
      WebSocket ws = socket;
      if (ws == null) {
        throw new AssertionError("not open");
      }
      return ws;
    }

    void send(String text) {
      socket().send(text);
    }

    /** The next frame the client sent, of {@code type}; frames of other types before it are skipped. */
    <T extends Frame> T next(Class<T> type) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (true) {
        Frame frame = received.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (frame == null) {
          throw new AssertionError("no " + type.getSimpleName() + " from the client within 10 s");
        }
        if (type.isInstance(frame)) {
          return type.cast(frame);
        }
      }
    }

    /** A close frame from the client: "code reason". */
    String awaitClose() throws InterruptedException {
      String close = closes.poll(10, TimeUnit.SECONDS);
      if (close == null) {
        throw new AssertionError("the client did not close within 10 s");
      }
      return close;
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      socket = webSocket;
      open.countDown();
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      texts.add(text);
      Frame frame;
      try {
        frame = Frames.decode(text);
      } catch (InvalidFrameException e) {
        throw new AssertionError("the client sent an invalid frame: " + e.getMessage(), e);
      }
      received.add(frame);
      switch (frame.type()) {
        case "hello":
          if (answerHello) {
            webSocket.send(HELLO_ACK);
          }
          break;
        case "feature_negotiation_request":
          String answer = negotiation;
          if (answer != null) {
            webSocket.send(answer);
          }
          break;
        case "send":
          if (autoAck) {
            webSocket.send(ack(((SendFrame) frame).id(), 201));
          }
          break;
        default:
          break;
      }
    }

    @Override
    public void onMessage(WebSocket webSocket, ByteString bytes) {
      throw new AssertionError("the client sent a binary frame");
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      closes.add(code + " " + reason);
      webSocket.close(1000, null);
    }
  }
}
