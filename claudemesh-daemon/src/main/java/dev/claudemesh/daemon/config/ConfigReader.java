package dev.claudemesh.daemon.config;

import dev.claudemesh.core.identity.ClonePolicy;
import dev.claudemesh.core.identity.DaemonPaths;
import dev.claudemesh.core.identity.KeyArchive;
import dev.claudemesh.core.protocol.FeatureNegotiation;
import dev.claudemesh.core.store.Inbox;
import dev.claudemesh.core.store.MaxAge;
import dev.claudemesh.core.store.Outbox;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlTable;

/**
 * Reads one {@code config.toml}: parses, checks every key's type and range, fills defaults, and
 * collects warnings. Impossible values throw {@link ConfigException}; unwise ones are clamped.
 */
final class ConfigReader {
  private static final Logger log = LoggerFactory.getLogger(DaemonConfig.class);
  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

  /** What one read produced. */
  record Parsed(EnumMap<ConfigKey, Object> values, EnumSet<ConfigKey> explicit, List<String> warnings) {}

  private final Path file;
  private final DaemonPaths paths;
  private final Environment environment;
  private final EnumMap<ConfigKey, Object> values = new EnumMap<>(ConfigKey.class);
  private final EnumSet<ConfigKey> explicit = EnumSet.noneOf(ConfigKey.class);
  private final List<String> warnings = new ArrayList<>();

  private ConfigReader(DaemonPaths paths, Environment environment) {
    this.paths = paths;
    this.file = paths.configToml();
    this.environment = environment;
  }

  static Parsed read(DaemonPaths paths, Environment environment) {
    return new ConfigReader(paths, environment).read();
  }

  private Parsed read() {
    TomlTable root = parse();
    checkUnknown(root);
    readIpc(table(root, "ipc"));
    readOutbox(table(root, "outbox"));
    readInbox(table(root, "inbox"));
    readClone(table(root, "clone"));
    readCrypto(table(root, "crypto"));
    readFeatures(table(root, "features"));
    readHooks(table(root, "hooks"));
    readFleet(table(root, "fleet"));
    return new Parsed(values, explicit, List.copyOf(warnings));
  }

  // ---- the file ----

  private TomlTable parse() {
    if (!Files.exists(file)) {
      log.info("no {}: using defaults", file);
      return Toml.parse("");
    }
    TomlParseResult result;
    try {
      result = Toml.parse(file);
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(file, null, "cannot read config.toml: " + e, e);
    }
    if (result.hasErrors()) {
      List<TomlParseError> errors = result.errors();
      throw new ConfigException(file, null, TomlTypes.parseErrors(errors), errors.get(0));
    }
    checkMode();
    return result;
  }

  /** config.toml is 0644 (SPEC §1): it is not secret, but others must not be able to change it. */
  private void checkMode() {
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
      if (permissions.contains(PosixFilePermission.GROUP_WRITE)
          || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
        warn("config.toml has mode " + PosixFilePermissions.toString(permissions)
            + "; others can change the daemon's settings; expected rw-r--r-- (0644)");
      }
    } catch (UnsupportedOperationException | IOException e) {
      // not a POSIX file system: nothing to check
    }
  }

  private void checkUnknown(TomlTable root) {
    Set<String> tables = new TreeSet<>();
    for (ConfigKey key : ConfigKey.values()) {
      tables.add(key.table());
    }
    for (String name : root.keySet()) {
      if (!tables.contains(name)) {
        warn("unknown " + (root.isTable(List.of(name)) ? "table [" + name + "]" : "key " + name) + " ("
            + TomlTypes.at(root.inputPositionOf(List.of(name))) + ") is ignored; known tables: " + tables);
        continue;
      }
      Object value = root.get(List.of(name));
      if (!(value instanceof TomlTable)) {
        throw new ConfigException(file, "[" + name + "]", "[" + name + "] (" + TomlTypes.at(root.inputPositionOf(List.of(name)))
            + ") must be a table, got " + TomlTypes.describe(value), null);
      }
      TomlTable table = (TomlTable) value;
      Set<String> known = new TreeSet<>();
      for (ConfigKey key : ConfigKey.values()) {
        if (key.table().equals(name)) {
          known.add(key.keyName());
        }
      }
      for (String key : table.keySet()) {
        if (!known.contains(key)) {
          warn("unknown key [" + name + "] " + key + " (" + TomlTypes.at(table.inputPositionOf(List.of(key)))
              + ") is ignored; known keys of [" + name + "]: " + known);
        }
      }
    }
  }

  private static @Nullable TomlTable table(TomlTable root, String name) {
    Object value = root.get(List.of(name));
    return value instanceof TomlTable ? (TomlTable) value : null;
  }

  // ---- the tables ----

  private void readIpc(@Nullable TomlTable ipc) {
    Boolean tcp = bool(ipc, ConfigKey.IPC_TCP_ENABLED);
    values.put(ConfigKey.IPC_TCP_ENABLED, tcp != null ? tcp : environment.tcpByDefault());

    Long port = integer(ipc, ConfigKey.IPC_HTTP_PORT);
    if (port != null && (port < 0 || port > 65535)) {
      throw impossible(ipc, ConfigKey.IPC_HTTP_PORT, port + " is outside 0..65535 (0 picks a free port)");
    }
    values.put(ConfigKey.IPC_HTTP_PORT, port != null ? port.intValue() : 0);

    String bind = string(ipc, ConfigKey.IPC_HTTP_BIND);
    boolean loopback = true;
    if (bind != null) {
      loopback = isLoopback(ipc, bind);
    }
    values.put(ConfigKey.IPC_HTTP_BIND, bind != null ? bind : DaemonConfig.DEFAULT_HTTP_BIND);

    String tokenFile = string(ipc, ConfigKey.IPC_HTTP_TOKEN_FILE);
    Optional<Path> token = Optional.empty();
    if (tokenFile != null) {
      token = Optional.of(tokenFile(ipc, tokenFile));
    }
    values.put(ConfigKey.IPC_HTTP_TOKEN_FILE, token);

    Boolean publicHealth = bool(ipc, ConfigKey.IPC_PUBLIC_HEALTH_CHECK);
    values.put(ConfigKey.IPC_PUBLIC_HEALTH_CHECK, publicHealth != null && publicHealth);

    List<String> origins = strings(ipc, ConfigKey.IPC_ORIGIN_ALLOWLIST);
    values.put(ConfigKey.IPC_ORIGIN_ALLOWLIST, origins == null ? List.of() : origins(ipc, origins));

    if (!loopback && token.isEmpty()) {
      throw impossible(ipc, ConfigKey.IPC_HTTP_BIND, "\"" + bind + "\" is not a loopback address; binding elsewhere"
          + " needs " + ConfigKey.IPC_HTTP_TOKEN_FILE + ", a token file separate from local_token (SPEC 3.1)");
    }
    if (loopback && token.isPresent()) {
      warn(ConfigKey.IPC_HTTP_TOKEN_FILE + " is set but " + ConfigKey.IPC_HTTP_BIND
          + " is loopback; the TCP listener uses local_token and the token file is unused");
    }
    boolean tcpOn = (Boolean) values.get(ConfigKey.IPC_TCP_ENABLED);
    if (!tcpOn && (bind != null || port != null)) {
      warn((bind != null ? ConfigKey.IPC_HTTP_BIND : ConfigKey.IPC_HTTP_PORT) + " has no effect: TCP is off ("
          + (tcp != null ? ConfigKey.IPC_TCP_ENABLED + " = false" : "default in " + environment.kind()
          .name().toLowerCase(Locale.ROOT)) + "); set " + ConfigKey.IPC_TCP_ENABLED + " = true to serve it");
    }
    if (tcpOn && !loopback && Boolean.TRUE.equals(publicHealth)) {
      warn(ConfigKey.IPC_PUBLIC_HEALTH_CHECK + " = true with " + ConfigKey.IPC_HTTP_BIND + " = \"" + bind
          + "\" answers /v1/health without a token beyond this host");
    }
  }

  private boolean isLoopback(@Nullable TomlTable ipc, String bind) {
    String host = bind.startsWith("[") && bind.endsWith("]") ? bind.substring(1, bind.length() - 1) : bind;
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    // literals only: a host name would need a lookup here and could change meaning later
    boolean ipv4 = IPV4.matcher(host).matches();
    if (ipv4) {
      for (String octet : host.split("\\.", -1)) {
        if (Integer.parseInt(octet) > 255) {
          ipv4 = false;
        }
      }
    }
    if (!ipv4 && !host.contains(":")) {
      throw impossible(ipc, ConfigKey.IPC_HTTP_BIND, "\"" + bind + "\" is not an IP address or localhost");
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException | SecurityException e) {
      throw impossible(ipc, ConfigKey.IPC_HTTP_BIND, "\"" + bind + "\" is not an IP address or localhost");
    }
  }

  private Path tokenFile(@Nullable TomlTable ipc, String value) {
    if (value.isBlank()) {
      throw impossible(ipc, ConfigKey.IPC_HTTP_TOKEN_FILE, "is empty");
    }
    Path path;
    try {
      path = paths.dir().resolve(value).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw impossible(ipc, ConfigKey.IPC_HTTP_TOKEN_FILE, "\"" + value + "\" is not a path: " + e.getMessage());
    }
    if (path.equals(paths.localToken().toAbsolutePath().normalize())) {
      throw impossible(ipc, ConfigKey.IPC_HTTP_TOKEN_FILE,
          "\"" + value + "\" is local_token itself; the token for a non-loopback bind must be a separate file");
    }
    return path;
  }

  private List<String> origins(@Nullable TomlTable ipc, List<String> raw) {
    Set<String> origins = new LinkedHashSet<>();
    for (String origin : raw) {
      String problem = null;
      if (origin.equals("*") || origin.equalsIgnoreCase("null")) {
        problem = "\"" + origin + "\" would let any page in; list exact origins";
      } else {
        try {
          URI uri = new URI(origin);
          if (uri.getScheme() == null || uri.getHost() == null || uri.getRawUserInfo() != null
              || !(uri.getRawPath() == null || uri.getRawPath().isEmpty()) || uri.getRawQuery() != null
              || uri.getRawFragment() != null) {
            problem = "\"" + origin + "\" is not an origin (scheme://host[:port], no path)";
          }
        } catch (URISyntaxException e) {
          problem = "\"" + origin + "\" is not an origin (scheme://host[:port], no path)";
        }
      }
      if (problem != null) {
        throw impossible(ipc, ConfigKey.IPC_ORIGIN_ALLOWLIST, problem);
      }
      // browsers send scheme and host in lower case
      if (!origins.add(origin.toLowerCase(Locale.ROOT))) {
        warn(ConfigKey.IPC_ORIGIN_ALLOWLIST + " lists \"" + origin + "\" twice");
      }
    }
    return List.copyOf(origins);
  }

  private void readOutbox(@Nullable TomlTable outbox) {
    Long override = integer(outbox, ConfigKey.OUTBOX_MAX_AGE_HOURS_OVERRIDE);
    OptionalLong maxAge = OptionalLong.empty();
    if (override != null) {
      if (override < 1) {
        throw impossible(outbox, ConfigKey.OUTBOX_MAX_AGE_HOURS_OVERRIDE, override + " must be at least 1 hour");
      }
      long hours = MaxAge.permanent(OptionalLong.of(override)).toHours(); // clamps (and warns) above the cap
      if (hours != override) {
        recordCoreWarning(ConfigKey.OUTBOX_MAX_AGE_HOURS_OVERRIDE + " = " + override + " is above the cap of "
            + MaxAge.PERMANENT_CAP_HOURS + "; using " + hours);
      }
      maxAge = OptionalLong.of(hours);
    }
    values.put(ConfigKey.OUTBOX_MAX_AGE_HOURS_OVERRIDE, maxAge);

    Long maxBytes = integer(outbox, ConfigKey.OUTBOX_MAX_BYTES);
    long bytes = Outbox.DEFAULT_MAX_BYTES;
    if (maxBytes != null) {
      if (maxBytes <= 0) {
        throw impossible(outbox, ConfigKey.OUTBOX_MAX_BYTES, maxBytes + " must be positive");
      }
      bytes = maxBytes;
      if (bytes < DaemonConfig.OUTBOX_MIN_BYTES) {
        warn(ConfigKey.OUTBOX_MAX_BYTES + " = " + maxBytes + " is below the floor of " + DaemonConfig.OUTBOX_MIN_BYTES
            + " (one request body); using " + DaemonConfig.OUTBOX_MIN_BYTES);
        bytes = DaemonConfig.OUTBOX_MIN_BYTES;
      }
    }
    values.put(ConfigKey.OUTBOX_MAX_BYTES, bytes);
  }

  private void readInbox(@Nullable TomlTable inbox) {
    Long days = integer(inbox, ConfigKey.INBOX_RETENTION_DAYS);
    Duration retention = Inbox.DEFAULT_RETENTION;
    if (days != null) {
      if (days < 1) {
        throw impossible(inbox, ConfigKey.INBOX_RETENTION_DAYS, days + " must be at least 1 day");
      }
      long kept = days;
      if (days > DaemonConfig.INBOX_RETENTION_CAP_DAYS) {
        warn(ConfigKey.INBOX_RETENTION_DAYS + " = " + days + " is above the cap of "
            + DaemonConfig.INBOX_RETENTION_CAP_DAYS + "; using " + DaemonConfig.INBOX_RETENTION_CAP_DAYS);
        kept = DaemonConfig.INBOX_RETENTION_CAP_DAYS;
      }
      retention = Duration.ofDays(kept);
    }
    values.put(ConfigKey.INBOX_RETENTION_DAYS, retention);
  }

  private void readClone(@Nullable TomlTable clone) {
    String policy = string(clone, ConfigKey.CLONE_POLICY);
    ClonePolicy parsed = ClonePolicy.REFUSE;
    if (policy != null) {
      try {
        parsed = ClonePolicy.fromConfig(policy);
      } catch (IllegalArgumentException e) {
        throw impossible(clone, ConfigKey.CLONE_POLICY, "\"" + policy + "\" is not one of refuse, warn, allow");
      }
    }
    values.put(ConfigKey.CLONE_POLICY, parsed);

    String idOverride = string(clone, ConfigKey.CLONE_ID_OVERRIDE);
    if (idOverride != null && idOverride.isBlank()) {
      warn(ConfigKey.CLONE_ID_OVERRIDE + " is empty; ignored (the probed host id is used)");
      idOverride = null;
    }
    values.put(ConfigKey.CLONE_ID_OVERRIDE, Optional.ofNullable(idOverride));
  }

  private void readCrypto(@Nullable TomlTable crypto) {
    Long days = integer(crypto, ConfigKey.CRYPTO_KEY_GRACE_PERIOD_DAYS);
    Duration grace = KeyArchive.DEFAULT_GRACE;
    if (days != null) {
      if (days < 0) {
        throw impossible(crypto, ConfigKey.CRYPTO_KEY_GRACE_PERIOD_DAYS, days + " must be at least 0");
      }
      grace = KeyArchive.graceFromConfig(days); // clamps (and warns) above the cap
      if (grace.toDays() != days) {
        recordCoreWarning(ConfigKey.CRYPTO_KEY_GRACE_PERIOD_DAYS + " = " + days + " is above the cap of "
            + KeyArchive.MAX_GRACE_DAYS + "; using " + grace.toDays());
      }
    }
    values.put(ConfigKey.CRYPTO_KEY_GRACE_PERIOD_DAYS, grace);
  }

  private void readFeatures(@Nullable TomlTable features) {
    List<String> require = strings(features, ConfigKey.FEATURES_REQUIRE);
    List<String> optional = strings(features, ConfigKey.FEATURES_OPTIONAL);
    List<String> effectiveRequire =
        require != null ? features(features, ConfigKey.FEATURES_REQUIRE, require) : FeatureNegotiation.DEFAULT_REQUIRE;
    List<String> effectiveOptional;
    if (optional != null) {
      effectiveOptional = features(features, ConfigKey.FEATURES_OPTIONAL, optional);
      for (String feature : effectiveOptional) {
        if (effectiveRequire.contains(feature)) {
          throw impossible(features, ConfigKey.FEATURES_OPTIONAL, "lists " + feature + ", which "
              + (require != null ? ConfigKey.FEATURES_REQUIRE + " lists" : "is required by default")
              + " too; a feature is either required or optional");
        }
      }
    } else {
      // the default optional list, less what the file moved into require
      effectiveOptional = new ArrayList<>(FeatureNegotiation.DEFAULT_OPTIONAL);
      effectiveOptional.removeAll(effectiveRequire);
      effectiveOptional = List.copyOf(effectiveOptional);
    }
    if (!effectiveRequire.contains(FeatureNegotiation.CLIENT_MESSAGE_ID_DEDUPE)) {
      warn(ConfigKey.FEATURES_REQUIRE + " does not list " + FeatureNegotiation.CLIENT_MESSAGE_ID_DEDUPE
          + ": a broker without it may deliver a retried send twice");
    }
    values.put(ConfigKey.FEATURES_REQUIRE, effectiveRequire);
    values.put(ConfigKey.FEATURES_OPTIONAL, effectiveOptional);
  }

  private List<String> features(@Nullable TomlTable table, ConfigKey key, List<String> names) {
    Set<String> known = new TreeSet<>(FeatureNegotiation.DEFAULT_REQUIRE);
    known.addAll(FeatureNegotiation.DEFAULT_OPTIONAL);
    Set<String> result = new LinkedHashSet<>();
    for (String name : names) {
      if (!known.contains(name)) {
        throw impossible(table, key, "lists unknown feature \"" + name + "\"; known features: " + known);
      }
      if (!result.add(name)) {
        warn(key + " lists " + name + " twice");
      }
    }
    return List.copyOf(result);
  }

  private void readHooks(@Nullable TomlTable hooks) {
    Boolean enabled = bool(hooks, ConfigKey.HOOKS_ENABLED);
    values.put(ConfigKey.HOOKS_ENABLED, enabled != null ? enabled : environment.hooksByDefault());
  }

  private void readFleet(@Nullable TomlTable fleet) {
    Long max = integer(fleet, ConfigKey.FLEET_MAX_DAEMONS);
    int daemons = DaemonConfig.DEFAULT_MAX_DAEMONS;
    if (max != null) {
      if (max < 1) {
        throw impossible(fleet, ConfigKey.FLEET_MAX_DAEMONS, max + " must be at least 1");
      }
      if (max > DaemonConfig.MAX_DAEMONS_CAP) {
        warn(ConfigKey.FLEET_MAX_DAEMONS + " = " + max + " is above the cap of " + DaemonConfig.MAX_DAEMONS_CAP
            + "; using " + DaemonConfig.MAX_DAEMONS_CAP);
        daemons = DaemonConfig.MAX_DAEMONS_CAP;
      } else {
        daemons = max.intValue();
      }
    }
    values.put(ConfigKey.FLEET_MAX_DAEMONS, daemons);
  }

  // ---- typed values ----

  private @Nullable Object raw(@Nullable TomlTable table, ConfigKey key) {
    if (table == null) {
      return null;
    }
    Object value = table.get(List.of(key.keyName()));
    if (value != null) {
      explicit.add(key);
    }
    return value;
  }

  private @Nullable Boolean bool(@Nullable TomlTable table, ConfigKey key) {
    Object value = raw(table, key);
    if (value == null || value instanceof Boolean) {
      return (Boolean) value;
    }
    throw wrongType(table, key, "a boolean (true or false)", "got " + TomlTypes.describe(value));
  }

  private @Nullable Long integer(@Nullable TomlTable table, ConfigKey key) {
    Object value = raw(table, key);
    if (value == null || value instanceof Long) {
      return (Long) value;
    }
    throw wrongType(table, key, "an integer", "got " + TomlTypes.describe(value));
  }

  private @Nullable String string(@Nullable TomlTable table, ConfigKey key) {
    Object value = raw(table, key);
    if (value == null || value instanceof String) {
      return (String) value;
    }
    throw wrongType(table, key, "a string", "got " + TomlTypes.describe(value));
  }

  private @Nullable List<String> strings(@Nullable TomlTable table, ConfigKey key) {
    Object value = raw(table, key);
    if (value == null) {
      return null;
    }
    if (!(value instanceof TomlArray)) {
      throw wrongType(table, key, "an array of strings", "got " + TomlTypes.describe(value));
    }
    TomlArray array = (TomlArray) value;
    List<String> result = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      Object element = array.get(i);
      if (!(element instanceof String)) {
        throw wrongType(table, key, "an array of strings", "but element " + i + " is " + TomlTypes.describe(element));
      }
      result.add((String) element);
    }
    return result;
  }

  // ---- messages ----

  private ConfigException wrongType(@Nullable TomlTable table, ConfigKey key, String expected, String detail) {
    return new ConfigException(file, key.toString(),
        key + " (" + position(table, key) + ") must be " + expected + ", " + detail, null);
  }

  private ConfigException impossible(@Nullable TomlTable table, ConfigKey key, String problem) {
    return new ConfigException(file, key.toString(), key + " (" + position(table, key) + "): " + problem, null);
  }

  private static String position(@Nullable TomlTable table, ConfigKey key) {
    return table == null ? "default" : TomlTypes.at(table.inputPositionOf(List.of(key.keyName())));
  }

  private void warn(String message) {
    log.warn("{}: {}", file.getFileName(), message);
    warnings.add(message);
  }

  /** Core already logged this clamp at WARN; keep it in the list without a second log line. */
  private void recordCoreWarning(String message) {
    warnings.add(message);
  }
}
