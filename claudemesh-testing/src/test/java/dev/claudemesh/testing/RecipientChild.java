package dev.claudemesh.testing;

import dev.claudemesh.core.Peer;
import dev.claudemesh.core.events.EventKinds;
import dev.claudemesh.core.identity.DaemonPaths;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A recipient peer in its own JVM, for {@link RecipientCrashTest} to kill with SIGKILL. Appends one
 * line per event to a protocol file (one write each, so a kill never tears a line): {@code READY}
 * once connected, {@code MSG <client_message_id>} for every {@code message} event.
 *
 * <p>Arguments: daemon directory, {@code CLAUDEMESH_HOME}, protocol file.
 */
public final class RecipientChild {
  private static FileOutputStream protocol;

  private RecipientChild() {}

  public static void main(String[] args) throws Exception {
    protocol = new FileOutputStream(args[2], true);
    Peer peer = Peer.builder(DaemonPaths.inDirectory(Path.of(args[0])))
        .env(Map.of(DaemonPaths.ENV_HOME, args[1]))
        .connectionTuning(c -> c.backoffMin(Duration.ofMillis(50)).backoffMax(Duration.ofMillis(500)))
        .open();
    peer.events(e -> {
      if (e.kind().equals(EventKinds.MESSAGE)) {
        emit("MSG " + e.data().get("client_message_id"));
      }
    });
    MeshHarness.awaitConnected(peer, Duration.ofSeconds(30));
    emit("READY");
    Thread.sleep(Long.MAX_VALUE); // until killed
  }

  private static synchronized void emit(String line) {
    try {
      protocol.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      Runtime.getRuntime().halt(3);
    }
  }
}
