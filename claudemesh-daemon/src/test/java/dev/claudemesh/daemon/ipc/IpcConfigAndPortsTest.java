package dev.claudemesh.daemon.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.api.Health;
import dev.claudemesh.api.Routes;
import dev.claudemesh.api.SendRequest;
import dev.claudemesh.core.PeerHealth;
import dev.claudemesh.core.fingerprint.Priority;
import dev.claudemesh.core.identity.DaemonPaths;
import dev.claudemesh.core.identity.LocalTokens;
import dev.claudemesh.core.internal.SecureFiles;
import dev.claudemesh.daemon.config.DaemonConfig;
import dev.claudemesh.daemon.config.Environment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server configured from {@code config.toml}, and the adapters from the core peer. */
class IpcConfigAndPortsTest {
  static final Environment BARE_METAL = Environment.detect(Map.of(), new Environment.FileLookup() {
    @Override
    public boolean exists(Path path) {
      return false;
    }

    @Override
    public Optional<String> read(Path path) {
      return Optional.empty();
    }
  }, false);

  @TempDir Path tmp;

  private DaemonPaths paths() throws IOException {
    DaemonPaths paths = DaemonPaths.inDirectory(tmp.resolve("daemon"));
    SecureFiles.createPrivateDirectories(paths.dir());
    return paths;
  }

  @Test
  void ipcSettingsComeFromConfigToml() throws IOException {
    DaemonPaths paths = paths();
    Files.writeString(paths.configToml(), "[ipc]\ntcp_enabled = true\nhttp_port = 0\n"
        + "public_health_check = true\norigin_allowlist = [\"http://localhost:5173\"]\n");
    DaemonConfig config = DaemonConfig.load(paths, BARE_METAL);
    LocalTokens tokens = LocalTokens.openOrCreate(paths.localToken(), Clock.systemUTC());
    OkHttpClient http = new OkHttpClient();
    try (IpcServer server = IpcServer.builder(paths).config(config).tokens(tokens)
        .health(() -> IpcServerTest.HEALTH).build()) {
      server.start();
      Request health = new Request.Builder()
          .url("http://127.0.0.1:" + server.tcpPort() + Routes.HEALTH)
          .header("Origin", "http://localhost:5173").build();
      try (Response r = http.newCall(health).execute()) {
        assertEquals(200, r.code());
      }
    } finally {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }

  @Test
  void aNonLoopbackBindIsRefusedByName() throws IOException {
    DaemonPaths paths = paths();
    Files.writeString(paths.configToml(), "[ipc]\ntcp_enabled = true\nhttp_bind = \"0.0.0.0\"\n"
        + "http_token_file = \"remote_token\"\n");
    DaemonConfig config = DaemonConfig.load(paths, BARE_METAL);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> IpcServer.builder(paths).config(config));
    assertTrue(e.getMessage().startsWith("[ipc] http_bind = \"0.0.0.0\" is not served yet"),
        e.getMessage());
  }

  @Test
  void sendBodyBecomesTheCoreSendWithItsId() {
    dev.claudemesh.core.SendRequest core = PeerPorts.toCore(new SendRequest("#general", "hi",
        "now", Map.of("k", "v"), "r-1", "id-1"));
    assertEquals("#general", core.to());
    assertEquals("hi", core.message());
    assertEquals(Priority.NOW, core.priority());
    assertEquals(Map.of("k", "v"), core.meta());
    assertEquals("r-1", core.replyToId());
    assertEquals("id-1", core.clientMessageId());
    assertEquals(Priority.NEXT, PeerPorts.toCore(SendRequest.of("*", "m")).priority());
  }

  @Test
  void peerHealthBecomesTheHealthBody() {
    PeerHealth peer = new PeerHealth(true, 4, 5, 6, 7, "mesh", "ab".repeat(32), 8, 3, "1.0",
        "broker-2", true, "stopped", Map.of());
    assertEquals(new Health(true, 4, 5, 6, 7, "mesh", "ab".repeat(32), 8, 3, "1.0", "broker-2",
        true), PeerPorts.toHealth(peer));
  }
}
