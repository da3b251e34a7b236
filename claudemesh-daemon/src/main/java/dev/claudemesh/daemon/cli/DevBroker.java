package dev.claudemesh.daemon.cli;

import dev.claudemesh.broker.ReferenceBroker;
import dev.claudemesh.core.internal.SecureFiles;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The reference broker of {@code claudemesh dev} and {@code demo}: on loopback, its SQLite file and
 * {@code broker.port} in one private directory. A broker already answering {@code /healthz} on
 * the recorded port (another {@code claudemesh dev}) is reused; otherwise one starts in this
 * process on the recorded port, so daemons joined earlier find it at the URL in their
 * {@code mesh.json}. Meshes and invites are created in the SQLite file directly, which works
 * whichever process serves it.
 */
final class DevBroker implements AutoCloseable {
  static final String PORT_FILE = "broker.port";
  static final String DB_FILE = "broker.db";

  private final @Nullable ReferenceBroker served;
  private final ReferenceBroker admin;
  private final int port;

  private DevBroker(@Nullable ReferenceBroker served, ReferenceBroker admin, int port) {
    this.served = served;
    this.admin = admin;
    this.port = port;
  }

  /** Reuses the broker recorded in {@code dir} when it answers; else starts one. */
  static DevBroker startOrReuse(Path dir, int requestedPort) throws IOException {
    SecureFiles.createPrivateDirectories(dir);
    Path db = dir.resolve(DB_FILE);
    int recorded = readPort(dir.resolve(PORT_FILE));
    if (recorded > 0 && healthy(recorded)) {
      return new DevBroker(null, ReferenceBroker.builder().dbPath(db).build(), recorded);
    }
    int port = requestedPort > 0 ? requestedPort : Math.max(recorded, 0);
    ReferenceBroker broker = ReferenceBroker.builder().dbPath(db).host("127.0.0.1").port(port)
        .build().start();
    SecureFiles.writeAtomically(dir.resolve(PORT_FILE),
        (broker.port() + "\n").getBytes(StandardCharsets.US_ASCII), SecureFiles.FILE_0600);
    return new DevBroker(broker, broker, broker.port());
  }

  /** A broker of its own in {@code dir} on a free port, for the demo. */
  static DevBroker startFresh(Path dir) throws IOException {
    SecureFiles.createPrivateDirectories(dir);
    ReferenceBroker broker = ReferenceBroker.builder().dbPath(dir.resolve(DB_FILE))
        .host("127.0.0.1").port(0).build().start();
    return new DevBroker(broker, broker, broker.port());
  }

  boolean reused() {
    return served == null;
  }

  String wsUrl() {
    return "ws://127.0.0.1:" + port + "/ws";
  }

  int port() {
    return port;
  }

  /** Creates {@code slug} unless it exists. */
  void ensureMesh(String slug) throws IOException {
    if (admin.mesh(slug).isEmpty()) {
      admin.createMesh(slug);
    }
  }

  String invite(String slug) throws IOException {
    return admin.createInvite(slug, 1, false);
  }

  private static int readPort(Path file) throws IOException {
    try {
      String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
      int port = Integer.parseInt(text);
      return port > 0 && port < 65536 ? port : -1;
    } catch (NoSuchFileException | NumberFormatException e) {
      return -1;
    }
  }

  private static boolean healthy(int port) {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/healthz")
          .toURL().openConnection();
      c.setConnectTimeout(1000);
      c.setReadTimeout(2000);
      try {
        return c.getResponseCode() == 200;
      } finally {
        c.disconnect();
      }
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    if (served != null) {
      served.close();
    } else {
      admin.close();
    }
  }

  @Override
  public String toString() {
    return "DevBroker{" + wsUrl() + (reused() ? ", reused" : "") + "}";
  }
}
