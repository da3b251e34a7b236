package dev.claudemesh.broker;

import static org.junit.jupiter.api.Assertions.fail;

import dev.claudemesh.core.protocol.Frame;
import dev.claudemesh.core.protocol.Frames;
import dev.claudemesh.core.protocol.InvalidFrameException;
import dev.claudemesh.core.protocol.Push;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.jspecify.annotations.Nullable;

/** A real WebSocket client (OkHttp) that speaks frames built with {@link Frames#encode}. */
final class TestClient implements AutoCloseable {
  static final long TIMEOUT_S = 10;

  /** How the broker closed the connection. */
  record Closed(int code, String reason) {}

  private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
  final CompletableFuture<Closed> closed = new CompletableFuture<>();
  private final WebSocket socket;

  TestClient(OkHttpClient http, String url) {
    socket = http.newWebSocket(new Request.Builder().url(url).build(), new WebSocketListener() {
      @Override
      public void onMessage(WebSocket ws, String text) {
        try {
          frames.add(Frames.decode(text));
        } catch (InvalidFrameException e) {
          closed.complete(new Closed(-2, "the broker sent an invalid frame: " + e.getMessage()));
        }
      }

      @Override
      public void onClosing(WebSocket ws, int code, String reason) {
        closed.complete(new Closed(code, reason));
        ws.close(1000, null);
      }

      @Override
      public void onFailure(WebSocket ws, Throwable t, @Nullable Response response) {
        closed.complete(new Closed(-1, String.valueOf(t)));
      }
    });
  }

  void send(Frame frame) {
    sendRaw(Frames.encode(frame));
  }

  void sendRaw(String text) {
    if (!socket.send(text)) {
      fail("the socket refused the frame (closed?)");
    }
  }

  /** The next frame of {@code type} matching {@code test}; other frames are skipped. */
  <T extends Frame> T expect(Class<T> type, Predicate<T> test) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
    List<Frame> skipped = new ArrayList<>();
    while (true) {
      Frame f;
      try {
        f = frames.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      if (f == null) {
        throw new AssertionError("no " + type.getSimpleName() + " within " + TIMEOUT_S + " s; skipped " + skipped
            + (closed.isDone() ? "; closed " + closed.join() : ""));
      }
      if (type.isInstance(f) && test.test(type.cast(f))) {
        return type.cast(f);
      }
      skipped.add(f);
    }
  }

  <T extends Frame> T expect(Class<T> type) {
    return expect(type, f -> true);
  }

  /** The next message push (system pushes skipped). */
  Push expectMessage() {
    return expect(Push.class, p -> !p.isSystem());
  }

  Push expectSystem(String event) {
    return expect(Push.class, p -> p.isSystem() && event.equals(p.event()));
  }

  /** Waits {@code millis} and returns every frame that arrived (for "nothing more came" checks). */
  List<Frame> drain(long millis) {
    List<Frame> out = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        frames.drainTo(out);
        return out;
      }
      try {
        Frame f = frames.poll(left, TimeUnit.NANOSECONDS);
        if (f != null) {
          out.add(f);
        }
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  Closed awaitClose() {
    try {
      return closed.get(TIMEOUT_S, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the broker did not close the connection within " + TIMEOUT_S + " s", e);
    }
  }

  @Override
  public void close() {
    socket.close(1000, null);
  }
}
