package dev.claudemesh.examples;

import dev.claudemesh.broker.ReferenceBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The self-contained setup the examples share: a reference broker on a free loopback port with
 * its database in a directory of its own, and one mesh to invite members into. Real deployments
 * point at a broker that already runs; this stands in for it so an example needs nothing else.
 */
final class LocalBroker implements AutoCloseable {
  private final ReferenceBroker broker;
  private final String mesh;

  private LocalBroker(ReferenceBroker broker, String mesh) {
    this.broker = broker;
    this.mesh = mesh;
  }

  /** Starts a broker with its database under {@code dir} and creates mesh {@code slug}. */
  static LocalBroker start(Path dir, String slug) throws IOException {
    Files.createDirectories(dir);
    ReferenceBroker broker = ReferenceBroker.builder().dbPath(dir.resolve("broker.db"))
        .host("127.0.0.1").port(0).build();
    try {
      broker.start();
      broker.createMesh(slug);
    } catch (IOException | RuntimeException e) {
      broker.close();
      throw e;
    }
    return new LocalBroker(broker, slug);
  }

  String wsUrl() {
    return broker.wsUrl();
  }

  /** A one-use invite into the mesh. */
  String invite() throws IOException {
    return broker.createInvite(mesh, 1, false);
  }

  @Override
  public void close() {
    broker.close();
  }

  @Override
  public String toString() {
    return "LocalBroker{" + wsUrl() + ", mesh " + mesh + "}";
  }

  /**
   * Polls {@code condition} every 20 ms until it holds; false when {@code timeout} passed first.
   */
  static boolean await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  /** Deletes {@code dir} and everything below it; a failure is reported, not thrown. */
  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      System.err.println("could not delete " + dir + ": " + e.getMessage());
    }
  }
}
