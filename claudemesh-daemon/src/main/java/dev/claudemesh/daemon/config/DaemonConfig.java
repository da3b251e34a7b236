package dev.claudemesh.daemon.config;

import dev.claudemesh.core.identity.ClonePolicy;
import dev.claudemesh.core.identity.DaemonPaths;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.StringJoiner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's settings from {@code config.toml} (SPEC §10.3) over the environment defaults (SPEC
 * §10.5): read and validated once by {@link #load}, then immutable. A missing file means all
 * defaults; an unreadable file, invalid TOML (reported with line and column), a value of the wrong
 * type or an impossible value throws {@link ConfigException} naming the key, and the daemon refuses
 * to start. Unwise values are clamped with a WARN naming the key; unknown tables and keys are
 * ignored with a WARN naming them, so a typo is visible. {@link #toString()} and {@link
 * #describe()} mask secrets. Thread-safe (immutable).
 */
public final class DaemonConfig {
  /** {@code [ipc] http_bind} when unset: loopback only (SPEC §3.1). */
  public static final String DEFAULT_HTTP_BIND = "127.0.0.1";
  /** Above this {@code [inbox] retention_days} is clamped: a year of messages is plenty to replay. */
  public static final long INBOX_RETENTION_CAP_DAYS = 365;
  /** Below this {@code [outbox] max_bytes} is raised: the outbox must hold one 1 MiB request body. */
  public static final long OUTBOX_MIN_BYTES = 1L << 20;
  /** {@code [fleet] max_daemons} when unset. */
  public static final int DEFAULT_MAX_DAEMONS = 16;
  /** Above this {@code [fleet] max_daemons} is clamped. */
  public static final int MAX_DAEMONS_CAP = 256;

  private static final Logger log = LoggerFactory.getLogger(DaemonConfig.class);
  private static final String MASK = "***";

  private final DaemonPaths paths;
  private final Environment environment;
  private final EnumMap<ConfigKey, Object> values;
  private final EnumSet<ConfigKey> explicit;
  private final List<String> warnings;

  private DaemonConfig(DaemonPaths paths, Environment environment, EnumMap<ConfigKey, Object> values,
      EnumSet<ConfigKey> explicit, List<String> warnings) {
    this.paths = paths;
    this.environment = environment;
    this.values = values;
    this.explicit = explicit;
    this.warnings = warnings;
  }

  /**
   * Reads {@code config.toml} of the daemon directory {@code paths}, logs every warning and then
   * the effective config at INFO with secrets masked.
   *
   * @throws ConfigException if the file cannot be used; its message names the key
   */
  public static DaemonConfig load(DaemonPaths paths, Environment environment) {
    Objects.requireNonNull(paths, "paths == null");
    Objects.requireNonNull(environment, "environment == null");
    ConfigReader.Parsed parsed = ConfigReader.read(paths, environment);
    DaemonConfig config = new DaemonConfig(paths, environment, parsed.values(), parsed.explicit(), parsed.warnings());
    log.info("environment: {}", environment);
    log.info("effective config:\n{}", config.describe());
    return config;
  }

  /** What {@link #reload()} found. */
  public static final class Reload {
    private final DaemonConfig config;
    private final List<ConfigKey> applied;
    private final List<ConfigKey> needRestart;

    Reload(DaemonConfig config, List<ConfigKey> applied, List<ConfigKey> needRestart) {
      this.config = config;
      this.applied = List.copyOf(applied);
      this.needRestart = List.copyOf(needRestart);
    }

    /** The config to run with now: live keys from the file, the rest as before. */
    public DaemonConfig config() {
      return config;
    }

    /** Keys that changed and take effect now. */
    public List<ConfigKey> applied() {
      return applied;
    }

    /** Keys that changed in the file but keep their running value until a restart. */
    public List<ConfigKey> needRestart() {
      return needRestart;
    }

    /** Every key whose value in the file differs from the running one. */
    public List<ConfigKey> changed() {
      List<ConfigKey> changed = new ArrayList<>(applied);
      changed.addAll(needRestart);
      changed.sort(null);
      return List.copyOf(changed);
    }

    @Override
    public String toString() {
      return "applied " + applied + ", need a restart " + needRestart;
    }
  }

  /**
   * Re-reads the file ({@code daemon reload}): changes to {@linkplain ConfigKey#reloadable() live
   * keys} are applied, changes to the others are reported and keep their running value. The
   * cross-field checks tie only restart keys together ({@code http_bind} with {@code
   * http_token_file}, {@code require} with {@code optional}), so the mix is as valid as both reads.
   *
   * @throws ConfigException if the file now cannot be used; the running config stays as it is
   */
  public Reload reload() {
    ConfigReader.Parsed parsed = ConfigReader.read(paths, environment);
    EnumMap<ConfigKey, Object> next = new EnumMap<>(values);
    EnumSet<ConfigKey> nextExplicit = EnumSet.copyOf(explicit);
    List<ConfigKey> applied = new ArrayList<>();
    List<ConfigKey> needRestart = new ArrayList<>();
    for (ConfigKey key : ConfigKey.values()) {
      Object now = parsed.values().get(key);
      if (Objects.equals(now, values.get(key))) {
        continue;
      }
      if (key.reloadable()) {
        next.put(key, now);
        if (parsed.explicit().contains(key)) {
          nextExplicit.add(key);
        } else {
          nextExplicit.remove(key);
        }
        applied.add(key);
      } else {
        needRestart.add(key);
      }
    }
    DaemonConfig config = new DaemonConfig(paths, environment, next, nextExplicit, parsed.warnings());
    Reload reload = new Reload(config, applied, needRestart);
    if (!applied.isEmpty()) {
      StringJoiner changes = new StringJoiner(", ");
      for (ConfigKey key : applied) {
        changes.add(key + " = " + config.display(key));
      }
      log.info("config reloaded: applied {}", changes);
    }
    if (!needRestart.isEmpty()) {
      log.warn("config reloaded: {} changed but keep their running value until a restart", needRestart);
    }
    if (applied.isEmpty() && needRestart.isEmpty()) {
      log.info("config reloaded: no changes");
    }
    return reload;
  }

  // ---- values ----

  /** The detected environment whose defaults this config overrides. */
  public Environment environment() {
    return environment;
  }

  /** The file this config was read from. */
  public Path file() {
    return paths.configToml();
  }

  /** Warnings of the read, each naming its key (also logged at WARN). */
  public List<String> warnings() {
    return warnings;
  }

  /** Whether the file set {@code key} (as opposed to a default). */
  public boolean isExplicit(ConfigKey key) {
    return explicit.contains(key);
  }

  /** {@code [ipc] tcp_enabled}, else the environment default. */
  public boolean tcpEnabled() {
    return (Boolean) values.get(ConfigKey.IPC_TCP_ENABLED);
  }

  /** {@code [ipc] http_port}; 0 means a free port, written to {@code http.port}. */
  public int httpPort() {
    return (Integer) values.get(ConfigKey.IPC_HTTP_PORT);
  }

  /** {@code [ipc] http_bind}, an IP literal or {@code localhost}; default {@value #DEFAULT_HTTP_BIND}. */
  public String httpBind() {
    return (String) values.get(ConfigKey.IPC_HTTP_BIND);
  }

  /** {@code [ipc] http_token_file}, absolute; required when {@link #httpBind()} is not loopback. */
  @SuppressWarnings("unchecked")
  public Optional<Path> httpTokenFile() {
    return (Optional<Path>) values.get(ConfigKey.IPC_HTTP_TOKEN_FILE);
  }

  /** {@code [ipc] public_health_check}: {@code /v1/health} without a token. Default false. */
  public boolean publicHealthCheck() {
    return (Boolean) values.get(ConfigKey.IPC_PUBLIC_HEALTH_CHECK);
  }

  /** {@code [ipc] origin_allowlist}, lower-cased origins; default empty (every Origin is refused). */
  @SuppressWarnings("unchecked")
  public List<String> originAllowlist() {
    return (List<String>) values.get(ConfigKey.IPC_ORIGIN_ALLOWLIST);
  }

  /** {@code [outbox] max_age_hours_override}, clamped to 720; empty means derive it (SPEC §4.6). */
  public OptionalLong maxAgeHoursOverride() {
    return (OptionalLong) values.get(ConfigKey.OUTBOX_MAX_AGE_HOURS_OVERRIDE);
  }

  /** {@code [outbox] max_bytes}. */
  public long outboxMaxBytes() {
    return (Long) values.get(ConfigKey.OUTBOX_MAX_BYTES);
  }

  /** {@code [inbox] retention_days} as a duration. */
  public Duration inboxRetention() {
    return (Duration) values.get(ConfigKey.INBOX_RETENTION_DAYS);
  }

  /** {@code [clone] policy}; default refuse. */
  public ClonePolicy clonePolicy() {
    return (ClonePolicy) values.get(ConfigKey.CLONE_POLICY);
  }

  /** {@code [clone] id_override}: replaces the probed host id. Never logged. */
  @SuppressWarnings("unchecked")
  public Optional<String> cloneIdOverride() {
    return (Optional<String>) values.get(ConfigKey.CLONE_ID_OVERRIDE);
  }

  /** {@code [crypto] key_grace_period_days} as a duration, clamped to 30 days. */
  public Duration keyGracePeriod() {
    return (Duration) values.get(ConfigKey.CRYPTO_KEY_GRACE_PERIOD_DAYS);
  }

  /** {@code [features] require}. */
  @SuppressWarnings("unchecked")
  public List<String> requiredFeatures() {
    return (List<String>) values.get(ConfigKey.FEATURES_REQUIRE);
  }

  /** {@code [features] optional}; when unset, core's default list less the required ones. */
  @SuppressWarnings("unchecked")
  public List<String> optionalFeatures() {
    return (List<String>) values.get(ConfigKey.FEATURES_OPTIONAL);
  }

  /** {@code [hooks] enabled}, else the environment default (off in CI). */
  public boolean hooksEnabled() {
    return (Boolean) values.get(ConfigKey.HOOKS_ENABLED);
  }

  /** {@code [fleet] max_daemons}. */
  public int maxDaemons() {
    return (Integer) values.get(ConfigKey.FLEET_MAX_DAEMONS);
  }

  // ---- display ----

  /**
   * One line per key: {@code [table] key = value (source)}, where source is {@code config.toml},
   * {@code default} or the environment that chose the default; secrets show as {@code ***}.
   */
  public String describe() {
    StringJoiner lines = new StringJoiner("\n");
    for (ConfigKey key : ConfigKey.values()) {
      lines.add("  " + key + " = " + display(key) + " (" + source(key) + ")");
    }
    return lines.toString();
  }

  private String source(ConfigKey key) {
    if (explicit.contains(key)) {
      return "config.toml";
    }
    if (key == ConfigKey.IPC_TCP_ENABLED || key == ConfigKey.HOOKS_ENABLED) {
      return "default for " + environment.kind().name().toLowerCase(Locale.ROOT);
    }
    return "default";
  }

  String display(ConfigKey key) {
    Object value = values.get(key);
    if (key.secret()) {
      return value instanceof Optional && ((Optional<?>) value).isEmpty() ? "unset" : MASK;
    }
    return format(value);
  }

  private static String format(Object value) {
    if (value instanceof Duration) {
      return Long.toString(((Duration) value).toDays());
    } else if (value instanceof Optional) {
      Optional<?> optional = (Optional<?>) value;
      return optional.isEmpty() ? "unset" : format(optional.get());
    } else if (value instanceof OptionalLong) {
      OptionalLong optional = (OptionalLong) value;
      return optional.isEmpty() ? "unset" : Long.toString(optional.getAsLong());
    } else if (value instanceof Collection) {
      StringJoiner list = new StringJoiner(", ", "[", "]");
      for (Object element : (Collection<?>) value) {
        list.add(format(element));
      }
      return list.toString();
    } else if (value instanceof String || value instanceof Path) {
      return "\"" + value + "\"";
    } else if (value instanceof ClonePolicy) {
      return "\"" + ((ClonePolicy) value).name().toLowerCase(Locale.ROOT) + "\"";
    }
    return String.valueOf(value);
  }

  /** The effective values on one line, secrets masked. */
  @Override
  public String toString() {
    StringJoiner joiner = new StringJoiner(", ", "DaemonConfig{", "}");
    for (ConfigKey key : ConfigKey.values()) {
      joiner.add(key.table() + "." + key.keyName() + "=" + display(key));
    }
    return joiner.toString();
  }
}
