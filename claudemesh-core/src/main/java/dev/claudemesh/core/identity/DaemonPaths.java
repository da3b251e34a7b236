package dev.claudemesh.core.identity;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where one daemon's files live (SPEC §1): {@code $CLAUDEMESH_HOME/daemon/<mesh-slug>/}, the root
 * defaulting to {@code ~/.claudemesh}, the whole directory overridable with {@code
 * CLAUDEMESH_DAEMON_DIR}.
 */
public final class DaemonPaths {
  public static final String ENV_HOME = "CLAUDEMESH_HOME";
  public static final String ENV_DAEMON_DIR = "CLAUDEMESH_DAEMON_DIR";

  private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

  private final Path home;
  private final Path dir;

  private DaemonPaths(Path home, Path dir) {
    this.home = home;
    this.dir = dir;
  }

  /**
   * Resolves the paths for {@code slug} from an environment (normally {@code System.getenv()}).
   *
   * @throws IllegalArgumentException if the slug could escape the daemon directory
   */
  public static DaemonPaths resolve(Map<String, String> env, String slug) {
    Objects.requireNonNull(env, "env == null");
    checkSlug(slug);
    Path home = home(env);
    String override = env.get(ENV_DAEMON_DIR);
    Path dir = override != null && !override.isBlank()
        ? Path.of(override).toAbsolutePath()
        : home.resolve("daemon").resolve(slug);
    return new DaemonPaths(home, dir);
  }

  /** Paths for a daemon directory given directly (embedded use, tests). */
  public static DaemonPaths inDirectory(Path dir) {
    Path absolute = dir.toAbsolutePath();
    Path parent = absolute.getParent();
    return new DaemonPaths(parent == null ? absolute : parent, absolute);
  }

  /**
   * {@code $CLAUDEMESH_HOME}, or {@code ~/.claudemesh} where {@code ~} is what a shell makes of
   * it: {@code $HOME} when that is an absolute path, else the account's home directory ({@code
   * user.home}, which the JVM reads from the account database and which ignores {@code $HOME}).
   */
  public static Path home(Map<String, String> env) {
    String home = env.get(ENV_HOME);
    if (home != null && !home.isBlank()) {
      return Path.of(home).toAbsolutePath();
    }
    String shellHome = env.get("HOME");
    if (shellHome != null && shellHome.startsWith("/")) {
      return Path.of(shellHome, ".claudemesh");
    }
    return Path.of(System.getProperty("user.home"), ".claudemesh");
  }

  static void checkSlug(String slug) {
    Objects.requireNonNull(slug, "slug == null");
    if (!SLUG.matcher(slug).matches()) {
      throw new IllegalArgumentException(
          "mesh slug \"" + slug + "\" must be 1-63 of a-z, 0-9, '.', '_', '-', starting with a letter or digit");
    }
  }

  public Path home() {
    return home;
  }

  public Path dir() {
    return dir;
  }

  public Path pidFile() {
    return dir.resolve("daemon.pid");
  }

  public Path socket() {
    return dir.resolve("daemon.sock");
  }

  public Path httpPort() {
    return dir.resolve("http.port");
  }

  public Path localToken() {
    return dir.resolve("local_token");
  }

  public Path meshJson() {
    return dir.resolve("mesh.json");
  }

  public Path keypairJson() {
    return dir.resolve("keypair.json");
  }

  public Path keypairArchive() {
    return dir.resolve("keypair-archive.json");
  }

  public Path hostFingerprint() {
    return dir.resolve("host_fingerprint.json");
  }

  public Path configToml() {
    return dir.resolve("config.toml");
  }

  public Path outboxDb() {
    return dir.resolve("outbox.db");
  }

  public Path inboxDb() {
    return dir.resolve("inbox.db");
  }

  public Path schemaVersion() {
    return dir.resolve("schema_version");
  }

  public Path daemonLog() {
    return dir.resolve("daemon.log");
  }

  public Path hooksDir() {
    return dir.resolve("hooks");
  }

  @Override
  public String toString() {
    return "DaemonPaths{" + dir + "}";
  }
}
