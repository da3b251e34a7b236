package dev.claudemesh.testing;

import dev.claudemesh.broker.ReferenceBroker;
import dev.claudemesh.core.Peer;
import dev.claudemesh.core.PeerException;
import dev.claudemesh.core.broker.BrokerConnection;
import dev.claudemesh.core.identity.DaemonPaths;
import dev.claudemesh.core.internal.SecureFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A reference broker running in-process on a free loopback port with one mesh, and any number of
 * peers, each joined through its own invite and living in its own directory under {@code root}.
 *
 * <pre>{@code
 * try (MeshHarness mesh = MeshHarness.builder(tempDir).start()) {
 *   Peer alice = mesh.peer("alice");
 *   Peer bob = mesh.peer("bob");
 *   alice.send(SendRequest.of(bob.memberPubkey(), "hi"));
 * }
 * }</pre>
 *
 * <p>Peers reconnect quickly (backoff 50–500 ms) so broker restarts do not slow tests down. The
 * broker can be stopped and started again on the same port and database ({@link #restartBroker}).
 * {@link #close()} closes every peer, then the broker.
 */
public final class MeshHarness implements AutoCloseable {
  private final Path root;
  private final String slug;
  private final Consumer<ReferenceBroker.Builder> brokerTuning;
  private final Consumer<Peer.Builder> peerTuning;
  private final Path db;
  private @Nullable ReferenceBroker broker;
  private int port;
  private final Map<String, Peer> peers = new LinkedHashMap<>();

  private MeshHarness(Builder b) {
    this.root = b.root;
    this.slug = b.slug;
    this.brokerTuning = b.brokerTuning;
    this.peerTuning = b.peerTuning;
    this.db = root.resolve("broker").resolve("broker.db");
  }

  public static Builder builder(Path root) {
    return new Builder(root);
  }

  private MeshHarness startFirst() throws IOException {
    Files.createDirectories(db.getParent());
    startBrokerOn(0);
    port = broker().port();
    broker().createMesh(slug);
    return this;
  }

  private void startBrokerOn(int onPort) throws IOException {
    ReferenceBroker.Builder b = ReferenceBroker.builder().dbPath(db).host("127.0.0.1").port(onPort);
    brokerTuning.accept(b);
    ReferenceBroker started = b.build();
    try {
      started.start();
    } catch (IOException | RuntimeException e) {
      started.close();
      throw e;
    }
    broker = started;
  }

  /** The running broker. */
  public ReferenceBroker broker() {
    ReferenceBroker b = broker;
    if (b == null) {
      throw new IllegalStateException("the broker is stopped");
    }
    return b;
  }

  /** The mesh slug. */
  public String slug() {
    return slug;
  }

  /** The directory of peer {@code name}. */
  public DaemonPaths paths(String name) {
    return DaemonPaths.inDirectory(root.resolve("peers").resolve(name));
  }

  /** The environment peers run with: no CI variables, so identities are persistent. */
  public Map<String, String> env(String name) {
    return Map.of(DaemonPaths.ENV_HOME, root.resolve("home").resolve(name).toString());
  }

  /**
   * Joins the mesh as {@code name} through a fresh invite, unless its directory already has; does
   * not open the peer.
   */
  public synchronized DaemonPaths join(String name) throws IOException, PeerException {
    DaemonPaths paths = paths(name);
    if (!Files.exists(paths.meshJson())) {
      SecureFiles.createPrivateDirectories(paths.dir());
      String invite = broker().createInvite(slug, 1, false);
      Peer.join(paths, env(name), broker().wsUrl(), invite, name);
    }
    return paths;
  }

  /**
   * The open peer {@code name}: joins the mesh the first time, then opens it and waits until it is
   * connected.
   */
  public synchronized Peer peer(String name) throws IOException, PeerException, InterruptedException {
    Peer open = peers.get(name);
    if (open != null) {
      return open;
    }
    join(name);
    Peer peer = openPeer(name, c -> {});
    awaitConnected(peer, Duration.ofSeconds(20));
    return peer;
  }

  /** Opens peer {@code name} (already joined) with extra connection settings, without waiting. */
  public synchronized Peer openPeer(String name, Consumer<BrokerConnection.Builder> connectionTuning)
      throws IOException {
    if (peers.containsKey(name)) {
      throw new IllegalStateException("peer " + name + " is already open");
    }
    Peer.Builder b = Peer.builder(paths(name)).env(env(name)).connectionTuning(c -> {
      c.backoffMin(Duration.ofMillis(50)).backoffMax(Duration.ofMillis(500));
      connectionTuning.accept(c);
    });
    peerTuning.accept(b);
    Peer peer = b.open();
    peers.put(name, peer);
    return peer;
  }

  /** Closes peer {@code name} if it is open; {@link #peer} opens it again from its files. */
  public synchronized void closePeer(String name) {
    Peer peer = peers.remove(name);
    if (peer != null) {
      peer.close();
    }
  }

  /** Stops the broker (live connections drop; peers start reconnecting). */
  public synchronized void stopBroker() {
    ReferenceBroker b = broker;
    broker = null;
    if (b != null) {
      b.close();
    }
  }

  /** Starts the broker again on the same port and database. */
  public synchronized void startBroker() throws IOException {
    if (broker != null) {
      throw new IllegalStateException("the broker is running");
    }
    IOException last = null;
    for (int attempt = 0; attempt < 50; attempt++) { // the port may linger briefly after a stop
      try {
        startBrokerOn(port);
        return;
      } catch (IOException e) {
        last = e;
        try {
          Thread.sleep(100);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted restarting the broker", ie);
        }
      }
    }
    throw Objects.requireNonNull(last);
  }

  public void restartBroker() throws IOException {
    stopBroker();
    startBroker();
  }

  /** Waits until {@code peer} reports a negotiated connection. */
  public static void awaitConnected(Peer peer, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!peer.isConnected()) {
      if (peer.fatalError().isPresent()) {
        throw new IllegalStateException("peer stopped: " + peer.fatalError().get().getMessage());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("peer " + peer.mesh().displayName() + " did not connect within "
            + timeout.toSeconds() + " s");
      }
      Thread.sleep(5);
    }
  }

  @Override
  public synchronized void close() {
    List<RuntimeException> failures = new ArrayList<>();
    for (Peer peer : peers.values()) {
      try {
        peer.close();
      } catch (RuntimeException e) {
        failures.add(e);
      }
    }
    peers.clear();
    stopBroker();
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
  }

  /** Configures a {@link MeshHarness}. */
  public static final class Builder {
    private final Path root;
    private String slug = "test";
    private Consumer<ReferenceBroker.Builder> brokerTuning = b -> {};
    private Consumer<Peer.Builder> peerTuning = b -> {};

    Builder(Path root) {
      this.root = Objects.requireNonNull(root, "root == null");
    }

    public Builder slug(String slug) {
      this.slug = Objects.requireNonNull(slug, "slug == null");
      return this;
    }

    /** Adjusts the broker before it starts (and on every restart). */
    public Builder broker(Consumer<ReferenceBroker.Builder> tuning) {
      this.brokerTuning = Objects.requireNonNull(tuning, "tuning == null");
      return this;
    }

    /** Adjusts every peer before it opens. */
    public Builder peers(Consumer<Peer.Builder> tuning) {
      this.peerTuning = Objects.requireNonNull(tuning, "tuning == null");
      return this;
    }

    /** Starts the broker on a free port and creates the mesh. */
    public MeshHarness start() throws IOException {
      MeshHarness harness = new MeshHarness(this);
      try {
        return harness.startFirst();
      } catch (IOException | RuntimeException e) {
        harness.close();
        throw e;
      }
    }
  }
}
