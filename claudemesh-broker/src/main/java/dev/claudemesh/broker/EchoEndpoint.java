package dev.claudemesh.broker;

import java.nio.ByteBuffer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.jspecify.annotations.Nullable;

/**
 * A benchmark aid: a WebSocket endpoint at {@code /echo} that sends every text frame straight back,
 * on the broker's own server, connector and thread pool, so the broker's per-message cost can be
 * compared with the bare transport. Mounted only when {@link
 * ReferenceBroker.Builder#echoEndpointForBenchmarks(boolean)} is set; it speaks no protocol, checks
 * nothing and must never be enabled on a broker that others can reach.
 *
 * <p>Public only because Jetty calls listener methods through method handles; not an API.
 */
public final class EchoEndpoint implements Session.Listener.AutoDemanding {
  static final String PATH = "/echo";

  private volatile @Nullable Session session;

  EchoEndpoint() {}

  @Override
  public void onWebSocketOpen(Session session) {
    this.session = session;
  }

  @Override
  public void onWebSocketText(String text) {
    Session s = session;
    if (s != null) {
      synchronized (this) { // frames go back in the order they came
        s.sendText(text, Callback.NOOP);
      }
    }
  }

  @Override
  public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
    callback.succeed();
  }
}
