package dev.claudemesh.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark echo at /echo: off by default, and in order when on. */
class EchoEndpointTest {
  @TempDir Path dir;

  @Test
  void echoesTextFramesInOrderWhenEnabled() throws Exception {
    OkHttpClient http = new OkHttpClient();
    try (ReferenceBroker broker = ReferenceBroker.builder().dbPath(dir.resolve("b.db"))
        .echoEndpointForBenchmarks(true).build().start()) {
      LinkedBlockingQueue<String> heard = new LinkedBlockingQueue<>();
      WebSocket ws = http.newWebSocket(new Request.Builder().url(broker.echoUrl()).build(), new WebSocketListener() {
        @Override
        public void onMessage(WebSocket webSocket, String text) {
          heard.add(text);
        }
      });
      List<String> sent = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        sent.add("frame " + i);
        ws.send("frame " + i);
      }
      List<String> echoed = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        String text = heard.poll(10, TimeUnit.SECONDS);
        if (text == null) {
          break;
        }
        echoed.add(text);
      }
      assertEquals(sent, echoed);
      ws.close(1000, null);
    } finally {
      http.dispatcher().executorService().shutdown();
    }
  }

  @Test
  void isOffByDefault() throws Exception {
    OkHttpClient http = new OkHttpClient();
    try (ReferenceBroker broker = ReferenceBroker.builder().dbPath(dir.resolve("b.db")).build().start()) {
      assertThrows(IllegalStateException.class, broker::echoUrl);
      LinkedBlockingQueue<Integer> refused = new LinkedBlockingQueue<>();
      http.newWebSocket(new Request.Builder().url(broker.wsUrl().replace("/ws", "/echo")).build(),
          new WebSocketListener() {
            @Override
            public void onFailure(WebSocket webSocket, Throwable t, @Nullable Response response) {
              refused.add(response == null ? -1 : response.code());
            }
          });
      assertEquals(404, refused.poll(10, TimeUnit.SECONDS));
    } finally {
      http.dispatcher().executorService().shutdown();
    }
  }
}
