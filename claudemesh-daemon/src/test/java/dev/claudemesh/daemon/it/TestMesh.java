package dev.claudemesh.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.claudemesh.broker.ReferenceBroker;
import dev.claudemesh.core.Peer;
import dev.claudemesh.core.PeerException;
import dev.claudemesh.core.identity.DaemonPaths;
import dev.claudemesh.core.internal.SecureFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.sqlite.SQLiteConfig;

/**
 * One acceptance test's world: a reference broker in this JVM on a free loopback port with mesh
 * {@code it}, and a private {@code CLAUDEMESH_HOME} under {@code root} for the jar's children.
 */
final class TestMesh implements AutoCloseable {
  static final String MESH = "it";

  private final Path root;
  private final Map<String, String> env;
  private final ReferenceBroker broker;

  private TestMesh(Path root, ReferenceBroker broker, Map<String, String> env) {
    this.root = root;
    this.broker = broker;
    this.env = env;
  }

  static TestMesh start(Path root) throws IOException {
    Path home = root.resolve("home");
    SecureFiles.createPrivateDirectories(home);
    ReferenceBroker broker = ReferenceBroker.builder().dbPath(root.resolve("broker.db"))
        .host("127.0.0.1").port(0).build().start();
    broker.createMesh(MESH);
    Map<String, String> env = new HashMap<>();
    env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    env.put(DaemonPaths.ENV_HOME, home.toString());
    // as in CI: the daemon must then be told --persistent
    env.put("CI", "true");
    return new TestMesh(root, broker, Map.copyOf(env));
  }

  /** The children's environment: {@code PATH}, {@code CLAUDEMESH_HOME} and {@code CI=true}. */
  Map<String, String> env() {
    return env;
  }

  Path root() {
    return root;
  }

  String wsUrl() {
    return broker.wsUrl();
  }

  String invite() throws IOException {
    return broker.createInvite(MESH, 1, false);
  }

  DaemonPaths paths(String name) {
    return DaemonPaths.resolve(env, name);
  }

  /** {@code claudemesh join <ws> <invite> --name <name> --mesh <name>} with the jar. */
  DaemonPaths joinWithJar(String name) throws IOException, InterruptedException {
    JarDaemon.Result joined = JarDaemon.run(env, Duration.ofSeconds(60), "join", wsUrl(),
        invite(), "--name", name, "--mesh", name);
    assertEquals(0, joined.exitCode(), () -> "join " + name + ": " + joined);
    return paths(name);
  }

  /** Joins in this JVM with core's {@link Peer#join}. */
  void joinInProcess(String name) throws IOException, PeerException {
    Peer.join(paths(name), env, wsUrl(), invite(), name);
  }

  /** Opens the joined member {@code name} in this JVM; it connects to the broker. */
  Peer openPeer(String name) throws IOException {
    return Peer.builder(paths(name)).env(env).persistent(true).open();
  }

  /** The member pubkey of {@code name}, read by opening it briefly. */
  String pubkey(String name) throws IOException {
    try (Peer peer = openPeer(name)) {
      return peer.memberPubkey();
    }
  }

  /** Writes {@code [ipc] tcp_enabled = true} to the daemon directory's {@code config.toml}. */
  void enableTcp(DaemonPaths paths) throws IOException {
    Files.writeString(paths.configToml(), "[ipc]\ntcp_enabled = true\n", StandardCharsets.UTF_8);
  }

  /** Stops the broker, so sends stay pending in the daemon's outbox. */
  void stopBroker() {
    broker.close();
  }

  /** The {@code client_message_id} of every outbox row, read-only (the daemon should be stopped). */
  static List<String> outboxIds(DaemonPaths paths) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    List<String> ids = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + paths.outboxDb(),
        config.toProperties());
        Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT client_message_id FROM outbox")) {
      while (rows.next()) {
        ids.add(rows.getString(1));
      }
    }
    return ids;
  }

  @Override
  public void close() {
    broker.close();
  }
}
