package dev.claudemesh.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discovery order: explicit overrides, CLAUDEMESH_DAEMON_DIR, socket, then http.port + token. */
class ClientDiscoveryTest {
  @TempDir Path tmp;

  private ClaudemeshClient.Builder builder(Map<String, String> env) {
    return ClaudemeshClient.builder().env(env);
  }

  @Test
  void theSocketOfTheMeshDirectoryComesFirst() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("daemon/team"));
    Files.writeString(dir.resolve("http.port"), "4711\n");
    Files.writeString(dir.resolve("local_token"), "secret-token");
    Files.createFile(dir.resolve("daemon.sock"));
    try (ClaudemeshClient c = builder(Map.of("CLAUDEMESH_HOME", tmp.toString())).mesh("team")
        .build()) {
      assertTrue(c.usesSocket());
      assertEquals(dir.resolve("daemon.sock").toString(), c.address());
      assertFalse(c.toString().contains("secret-token"));
    }
  }

  @Test
  void withoutASocketThePortAndTokenAreUsed() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("daemon/team"));
    Files.writeString(dir.resolve("http.port"), "4711\n");
    Files.writeString(dir.resolve("local_token"), "secret-token\n");
    try (ClaudemeshClient c = builder(Map.of("CLAUDEMESH_HOME", tmp.toString())).build()) {
      assertFalse(c.usesSocket());
      assertEquals("127.0.0.1:4711", c.address());
      assertEquals("ClaudemeshClient{tcp 127.0.0.1:4711, token=***}", c.toString());
    }
  }

  @Test
  void theDaemonDirOverrideWins() throws Exception {
    Files.createDirectories(tmp.resolve("home/daemon/team"));
    Files.createFile(tmp.resolve("home/daemon/team/daemon.sock"));
    Path other = Files.createDirectories(tmp.resolve("elsewhere"));
    Files.createFile(other.resolve("daemon.sock"));
    try (ClaudemeshClient c = builder(Map.of("CLAUDEMESH_HOME", tmp.resolve("home").toString(),
        "CLAUDEMESH_DAEMON_DIR", other.toString())).mesh("team").build()) {
      assertEquals(other.resolve("daemon.sock").toString(), c.address());
    }
  }

  @Test
  void nothingThereMeansTheSocketPathAndAHintAtCallTime() throws Exception {
    Path home = tmp.resolve("home");
    try (ClaudemeshClient c = builder(Map.of("CLAUDEMESH_HOME", home.toString())).mesh("team")
        .maxRetries(1).retryBackoff(Duration.ofMillis(5)).build()) {
      Path sock = home.resolve("daemon/team/daemon.sock");
      assertEquals(sock.toString(), c.address());
      DaemonNotRunningException e = assertThrows(DaemonNotRunningException.class, c::health);
      assertEquals("no daemon at " + sock + "; run `claudemesh daemon up`", e.getMessage());
      assertEquals(sock.toString(), e.address());
    }
  }

  @Test
  void explicitOverridesAndMisuse() throws Exception {
    try (ClaudemeshClient c = ClaudemeshClient.builder().baseUrl("http://127.0.0.1:9/")
        .token("abc").build()) {
      assertEquals("127.0.0.1:9", c.address());
    }
    assertThrows(IllegalStateException.class, () -> ClaudemeshClient.builder()
        .socket(tmp.resolve("s")).baseUrl("http://127.0.0.1:9").build());
    Files.createDirectories(tmp.resolve("daemon/a"));
    Files.createDirectories(tmp.resolve("daemon/b"));
    IllegalStateException two = assertThrows(IllegalStateException.class,
        () -> builder(Map.of("CLAUDEMESH_HOME", tmp.toString())).build());
    assertTrue(two.getMessage().contains("2 daemon directories"), two.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ClaudemeshClient.builder().mesh("../x"));
    assertThrows(IllegalArgumentException.class, () -> ClaudemeshClient.builder().token("a b"));
    assertThrows(IllegalArgumentException.class, () -> ClaudemeshClient.builder()
        .baseUrl("not a url"));
    NullPointerException npe = assertThrows(NullPointerException.class,
        () -> ClaudemeshClient.builder().socket(null));
    assertEquals("socket == null", npe.getMessage());
  }
}
