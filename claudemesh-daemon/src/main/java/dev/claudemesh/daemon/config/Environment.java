package dev.claudemesh.daemon.config;

import dev.claudemesh.core.identity.IdentityMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where the daemon runs, and the defaults that follow (SPEC §10.5, §3.1): bare metal or a VM
 * serves UDS and loopback TCP with hooks on; a container or Kubernetes pod and RunPod serve UDS
 * only with hooks on; CI serves UDS only with hooks off. {@code config.toml} overrides both
 * defaults ({@code [ipc] tcp_enabled}, {@code [hooks] enabled}).
 *
 * <p>Precedence, first match wins: CI (the most restrictive row; a CI job inside a container is
 * still CI), RunPod ({@code RUNPOD_POD_ID}), container ({@code --container}, {@code /.dockerenv},
 * {@code /run/.containerenv}, a container runtime named in {@code /proc/1/cgroup}, {@code
 * KUBERNETES_SERVICE_HOST}), bare metal.
 *
 * <p>CI is decided by core's {@link IdentityMode} with the same variables, except that {@code
 * KUBERNETES_SERVICE_HOST} alone counts as a container here: §10.5 puts Kubernetes in the container
 * row (hooks on), while §2.2 lists it among the variables that make the identity ephemeral. The
 * identity default is core's decision over the full environment, unchanged.
 */
public final class Environment {
  static final String KUBERNETES_VARIABLE = "KUBERNETES_SERVICE_HOST";
  static final String RUNPOD_VARIABLE = "RUNPOD_POD_ID";
  static final Path DOCKERENV = Path.of("/.dockerenv");
  static final Path CONTAINERENV = Path.of("/run/.containerenv");
  static final Path INIT_CGROUP = Path.of("/proc/1/cgroup");
  /** Words in {@code /proc/1/cgroup} that name a container runtime (cgroup v1; v2 shows "0::/"). */
  static final List<String> CGROUP_HINTS = List.of("docker", "kubepods", "containerd", "libpod", "lxc", "crio");

  /** The rows of SPEC §10.5. */
  public enum Kind {
    BARE_METAL(true, true),
    CONTAINER(false, true),
    CI(false, false),
    RUNPOD(false, true);

    private final boolean tcpByDefault;
    private final boolean hooksByDefault;

    Kind(boolean tcpByDefault, boolean hooksByDefault) {
      this.tcpByDefault = tcpByDefault;
      this.hooksByDefault = hooksByDefault;
    }
  }

  /** Reads files for detection; injected so tests do not depend on the machine. */
  public interface FileLookup {
    boolean exists(Path path);

    /** The file's text, or empty when it is missing or unreadable. */
    Optional<String> read(Path path);
  }

  private final Kind kind;
  private final String reason;
  private final IdentityMode.Decision identity;

  private Environment(Kind kind, String reason, IdentityMode.Decision identity) {
    this.kind = kind;
    this.reason = reason;
    this.identity = identity;
  }

  /** Detects from the real process environment and filesystem. */
  public static Environment detect(boolean containerFlag) {
    return detect(System.getenv(), REAL_FILES, containerFlag);
  }

  /** Detects from {@code env} and the real filesystem; {@code containerFlag} is {@code --container}. */
  public static Environment detect(Map<String, String> env, boolean containerFlag) {
    return detect(env, REAL_FILES, containerFlag);
  }

  /**
   * Detects from {@code env} and {@code files}; {@code containerFlag} is {@code --container}.
   */
  public static Environment detect(Map<String, String> env, FileLookup files, boolean containerFlag) {
    Objects.requireNonNull(env, "env == null");
    Objects.requireNonNull(files, "files == null");
    IdentityMode.Decision identity = IdentityMode.decide(env, false, false);

    Map<String, String> withoutKubernetes = new HashMap<>(env);
    withoutKubernetes.remove(KUBERNETES_VARIABLE);
    IdentityMode.Decision ci = IdentityMode.decide(withoutKubernetes, false, false);
    if (ci.mode() == IdentityMode.EPHEMERAL) {
      return new Environment(Kind.CI, ci.reason(), identity);
    }
    if (isSet(env, RUNPOD_VARIABLE)) {
      return new Environment(Kind.RUNPOD, RUNPOD_VARIABLE + " is set", identity);
    }
    String container = containerHint(env, files, containerFlag);
    if (container != null) {
      return new Environment(Kind.CONTAINER, container, identity);
    }
    return new Environment(Kind.BARE_METAL, "no container or CI hint", identity);
  }

  private static @Nullable String containerHint(
      Map<String, String> env, FileLookup files, boolean containerFlag) {
    if (containerFlag) {
      return "--container";
    }
    if (files.exists(DOCKERENV)) {
      return DOCKERENV + " exists";
    }
    if (files.exists(CONTAINERENV)) {
      return CONTAINERENV + " exists";
    }
    Optional<String> cgroup = files.read(INIT_CGROUP);
    if (cgroup.isPresent()) {
      String text = cgroup.get().toLowerCase(Locale.ROOT);
      for (String hint : CGROUP_HINTS) {
        if (text.contains(hint)) {
          return INIT_CGROUP + " names " + hint;
        }
      }
    }
    if (isSet(env, KUBERNETES_VARIABLE)) {
      return KUBERNETES_VARIABLE + " is set";
    }
    return null;
  }

  private static boolean isSet(Map<String, String> env, String name) {
    String value = env.get(name);
    return value != null && !value.isEmpty();
  }

  /** The row of SPEC §10.5. */
  public Kind kind() {
    return kind;
  }

  /** Why this row, for the INFO line at start. */
  public String reason() {
    return reason;
  }

  /** Whether loopback TCP is served unless {@code [ipc] tcp_enabled} says otherwise. */
  public boolean tcpByDefault() {
    return kind.tcpByDefault;
  }

  /** Whether hooks run unless {@code [hooks] enabled} says otherwise. */
  public boolean hooksByDefault() {
    return kind.hooksByDefault;
  }

  /** Core's identity decision without {@code --persistent}/{@code --ephemeral}. */
  public IdentityMode.Decision identityByDefault() {
    return identity;
  }

  @Override
  public String toString() {
    return kind.name().toLowerCase(Locale.ROOT) + " (" + reason + "; identity " + identity.mode()
        .name().toLowerCase(Locale.ROOT) + ", tcp " + (tcpByDefault() ? "on" : "off") + ", hooks "
        + (hooksByDefault() ? "on" : "off") + " by default)";
  }

  private static final FileLookup REAL_FILES = new FileLookup() {
    @Override
    public boolean exists(Path path) {
      return Files.exists(path);
    }

    @Override
    public Optional<String> read(Path path) {
      try {
        return Optional.of(Files.readString(path));
      } catch (IOException | RuntimeException e) {
        return Optional.empty();
      }
    }
  };
}
