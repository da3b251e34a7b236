package dev.claudemesh.daemon.hooks;

import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import dev.claudemesh.daemon.config.TomlTypes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * Reads one {@code hooks.toml}: size-limited read, TOML parse, then every table and key checked
 * against the rules documented on {@link HooksConfig}. The first broken rule throws.
 */
final class HooksConfigReader {
  /** Largest file read. */
  static final int MAX_FILE_BYTES = 1024 * 1024;

  static final String DEFAULTS = "defaults";
  static final long MAX_TIMEOUT_S = 3600;
  static final long MAX_OUTPUT_SIZE_LIMIT = 16L * 1024 * 1024;

  static final String SCOPE_REPLY = "reply:event";
  static final String SCOPE_DM_SENDER = "dm:send:<sender>";
  static final String SCOPE_TOPIC_OF_EVENT = "topic:<topic>:post";
  private static final String VALID_SCOPES =
      SCOPE_REPLY + ", " + SCOPE_DM_SENDER + ", " + SCOPE_TOPIC_OF_EVENT + ", topic:NAME:post";

  /** Hooks that no message triggers: nothing to reply to, no sender, no topic. */
  private static final Set<String> NO_MESSAGE_HOOKS = Set.of("on-startup", "on-disconnect", "on-reconnect");

  private static final Pattern HOST_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-f:.]{2,45}");

  /** The keys of a table. */
  private enum Key {
    ENABLED("enabled"),
    TIMEOUT_S("timeout_s"),
    OUTPUT_SIZE_LIMIT("output_size_limit"),
    REDACT_PAYLOAD("redact_payload"),
    ALLOW_REPLY("allow_reply"),
    CAPABILITY_TOKEN_SCOPE("capability_token_scope"),
    NETWORK_POLICY("network_policy"),
    NETWORK_ALLOWLIST("network_allowlist"),
    KILLPG_ON_TIMEOUT("killpg_on_timeout"),
    AUDIT("audit");

    final String toml;

    Key(String toml) {
      this.toml = toml;
    }

    static @Nullable Key of(String toml) {
      for (Key key : values()) {
        if (key.toml.equals(toml)) {
          return key;
        }
      }
      return null;
    }

    static List<String> names() {
      List<String> names = new ArrayList<>();
      for (Key key : values()) {
        names.add(key.toml);
      }
      return names;
    }
  }

  /** A checked value and where it was written. */
  private record Sourced(Object value, String table, @Nullable TomlPosition position) {}

  private final Path file;

  private HooksConfigReader(Path file) {
    this.file = file;
  }

  static Map<String, HookPolicy> read(Path file) throws HooksConfigException {
    return new HooksConfigReader(file).read();
  }

  private Map<String, HookPolicy> read() throws HooksConfigException {
    TomlTable root = parse(load());
    EnumMap<Key, Sourced> defaults = new EnumMap<>(Key.class);
    Map<String, TomlTable> hooks = new LinkedHashMap<>();
    for (String name : root.keySet()) {
      List<String> path = List.of(name);
      Object value = root.get(path);
      TomlPosition position = root.inputPositionOf(path);
      if (!name.equals(DEFAULTS) && !HooksConfig.isHookName(name)) {
        throw new HooksConfigException(file, "[" + name + "]", unknownTable(name, position), null);
      }
      if (!(value instanceof TomlTable)) {
        throw new HooksConfigException(file, "[" + name + "]", "[" + name + "] (" + TomlTypes.at(position)
            + ") must be a table, got " + TomlTypes.describe(value), null);
      }
      if (name.equals(DEFAULTS)) {
        defaults = keys(DEFAULTS, (TomlTable) value);
        checkDefaults(defaults);
      } else {
        hooks.put(name, (TomlTable) value);
      }
    }
    Map<String, HookPolicy> policies = new LinkedHashMap<>();
    for (Map.Entry<String, TomlTable> hook : hooks.entrySet()) {
      String name = hook.getKey();
      policies.put(name, policy(name, defaults, keys(name, hook.getValue())));
    }
    return policies;
  }

  // ---- the file ----

  private String load() throws HooksConfigException {
    if (!Files.exists(file)) {
      throw new HooksConfigException(file, null, "does not exist", null);
    }
    if (!Files.isRegularFile(file)) {
      throw new HooksConfigException(file, null, "is not a regular file", null);
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_FILE_BYTES + 1);
    } catch (IOException | RuntimeException e) {
      throw new HooksConfigException(file, null, "cannot read " + HooksConfig.FILE_NAME + ": " + e, e);
    }
    if (bytes.length > MAX_FILE_BYTES) {
      throw new HooksConfigException(file, null, "is larger than " + MAX_FILE_BYTES + " bytes (1 MiB)", null);
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new HooksConfigException(file, null, "is not valid UTF-8", e);
    }
  }

  private TomlTable parse(String text) throws HooksConfigException {
    TomlParseResult result = Toml.parse(text);
    if (result.hasErrors()) {
      List<TomlParseError> errors = result.errors();
      throw new HooksConfigException(file, null, TomlTypes.parseErrors(errors), errors.get(0));
    }
    return result;
  }

  private static String unknownTable(String name, @Nullable TomlPosition position) {
    String problem;
    if (name.startsWith(HooksConfig.TOPIC_HOOK_PREFIX)) {
      problem = "\"" + shown(name.substring(HooksConfig.TOPIC_HOOK_PREFIX.length()))
          + "\" is not a valid topic name (1-64 of A-Z a-z 0-9 . _ -, not starting with a dot or dash)";
    } else {
      problem = "is not a hook";
    }
    return "unknown table [" + shown(name) + "] (" + TomlTypes.at(position) + "): " + problem + "; valid tables: [" + DEFAULTS
        + "], [" + String.join("], [", HooksConfig.FIXED_HOOKS) + "], [" + HooksConfig.TOPIC_HOOK_PREFIX
        + "NAME] (a name with a dot needs quotes: [\"" + HooksConfig.TOPIC_HOOK_PREFIX + "a.b\"])";
  }

  // ---- one table's keys, each checked on its own ----

  private EnumMap<Key, Sourced> keys(String table, TomlTable values) throws HooksConfigException {
    EnumMap<Key, Sourced> keys = new EnumMap<>(Key.class);
    for (String name : values.keySet()) {
      List<String> path = List.of(name);
      Object value = values.get(path);
      TomlPosition position = values.inputPositionOf(path);
      Key key = Key.of(name);
      if (key == null) {
        String hint = value instanceof TomlTable && table.startsWith(HooksConfig.TOPIC_HOOK_PREFIX)
            ? "; a topic name with a dot needs a quoted table name: [\"" + shown(table) + "." + shown(name) + "\"]"
            : "";
        throw new HooksConfigException(file, "[" + table + "] " + name, "unknown key [" + shown(table) + "] "
            + shown(name) + " (" + TomlTypes.at(position) + ")" + hint + "; known keys: " + Key.names(), null);
      }
      if (value == null) {
        continue;
      }
      keys.put(key, new Sourced(value(table, key, value, position), table, position));
    }
    return keys;
  }

  private Object value(String table, Key key, Object value, @Nullable TomlPosition position)
      throws HooksConfigException {
    switch (key) {
      case ENABLED:
        if (table.equals(DEFAULTS)) {
          throw problem(table, key, position, "is not allowed in [" + DEFAULTS + "]: a hook runs when its table"
              + " exists; set enabled = false in a hook's table to turn that hook off");
        }
        return bool(table, key, value, position);
      case ALLOW_REPLY:
      case KILLPG_ON_TIMEOUT:
        return bool(table, key, value, position);
      case TIMEOUT_S:
        return Duration.ofSeconds(integer(table, key, value, position, 1, MAX_TIMEOUT_S));
      case OUTPUT_SIZE_LIMIT:
        return (int) integer(table, key, value, position, 0, MAX_OUTPUT_SIZE_LIMIT);
      case REDACT_PAYLOAD:
        return redactPaths(table, key, strings(table, key, value, position), position);
      case CAPABILITY_TOKEN_SCOPE:
        return scopes(table, key, strings(table, key, value, position), position);
      case NETWORK_POLICY:
        try {
          return NetworkPolicy.fromToml(string(table, key, value, position));
        } catch (IllegalArgumentException e) {
          throw problem(table, key, position, "\"" + shown((String) value)
              + "\" is not one of \"deny\", \"allow\", \"allowlist\"");
        }
      case NETWORK_ALLOWLIST:
        return hosts(table, key, strings(table, key, value, position), position);
      case AUDIT:
        return audit(table, key, value, position);
      default:
        throw new AssertionError(key);
    }
  }

  private AuditLevel audit(String table, Key key, Object value, @Nullable TomlPosition position)
      throws HooksConfigException {
    String expected = "\"metadata\" or \"output\"";
    if (Boolean.TRUE.equals(value)) {
      return AuditLevel.METADATA;
    }
    if (Boolean.FALSE.equals(value)) {
      throw problem(table, key, position, "false is not allowed: every run is audited (SPEC §9); audit takes "
          + expected);
    }
    if (!(value instanceof String)) {
      throw wrongType(table, key, position, expected, value);
    }
    switch ((String) value) {
      case "metadata":
        return AuditLevel.METADATA;
      case "output":
        return AuditLevel.OUTPUT;
      default:
        throw problem(table, key, position, "\"" + shown((String) value) + "\" is not " + expected);
    }
  }

  private List<String> redactPaths(String table, Key key, List<String> paths, @Nullable TomlPosition position)
      throws HooksConfigException {
    Set<String> result = new LinkedHashSet<>();
    for (String path : paths) {
      if (!path.startsWith("$")) {
        throw problem(table, key, position, "\"" + shown(path) + "\" is not a JSON path starting with $");
      }
      if (path.trim().equals("$")) {
        throw problem(table, key, position, "\"$\" would redact the whole event; name the members to redact");
      }
      JsonPath compiled;
      try {
        compiled = JsonPath.compile(path);
      } catch (InvalidPathException | IllegalArgumentException e) {
        throw problem(table, key, position, "\"" + shown(path) + "\" is not a valid JSON path: " + e.getMessage());
      }
      if (compiled.getPath().endsWith(")")) {
        // a function such as length() computes a value; there is nothing in the event to replace
        throw problem(table, key, position, "\"" + shown(path) + "\" ends in a function; redaction needs a path to"
            + " members or elements");
      }
      result.add(path);
    }
    return List.copyOf(result);
  }

  private List<String> scopes(String table, Key key, List<String> scopes, @Nullable TomlPosition position)
      throws HooksConfigException {
    Set<String> result = new LinkedHashSet<>();
    for (String scope : scopes) {
      boolean valid = scope.equals(SCOPE_REPLY) || scope.equals(SCOPE_DM_SENDER) || scope.equals(SCOPE_TOPIC_OF_EVENT)
          || namedTopic(scope) != null;
      if (!valid) {
        throw problem(table, key, position, "unknown scope \"" + shown(scope)
            + "\" (hooks get no read scopes; valid: " + VALID_SCOPES + ", NAME a topic name)");
      }
      result.add(scope);
    }
    return List.copyOf(result);
  }

  /** The topic of {@code topic:NAME:post} with a valid topic name, else null. */
  private static @Nullable String namedTopic(String scope) {
    if (!scope.startsWith("topic:") || !scope.endsWith(":post")) {
      return null;
    }
    String name = scope.substring("topic:".length(), Math.max("topic:".length(), scope.length() - ":post".length()));
    return HooksConfig.isTopicName(name) ? name : null;
  }

  private List<String> hosts(String table, Key key, List<String> hosts, @Nullable TomlPosition position)
      throws HooksConfigException {
    Set<String> result = new LinkedHashSet<>();
    for (String entry : hosts) {
      String normalized = host(entry);
      if (normalized == null) {
        throw problem(table, key, position, "\"" + shown(entry) + "\" is not host or host:port (a DNS name, an"
            + " IPv4 address or a bracketed IPv6 address; port 1..65535)");
      }
      result.add(normalized);
    }
    return List.copyOf(result);
  }

  /** {@code entry} in lower case when it is {@code host} or {@code host:port}, else null. */
  private static @Nullable String host(String entry) {
    String value = entry.toLowerCase(Locale.ROOT);
    String host = value;
    String port = null;
    if (value.startsWith("[")) {
      int close = value.indexOf(']');
      if (close < 0) {
        return null;
      }
      host = value.substring(1, close);
      String rest = value.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          return null;
        }
        port = rest.substring(1);
      }
      if (!IPV6.matcher(host).matches() || !host.contains(":")) {
        return null;
      }
    } else {
      int colon = value.indexOf(':');
      if (colon >= 0) {
        host = value.substring(0, colon);
        port = value.substring(colon + 1);
      }
      if (!isDnsName(host)) {
        return null;
      }
    }
    if (port != null && !isPort(port)) {
      return null;
    }
    return value;
  }

  private static boolean isDnsName(String host) {
    if (host.isEmpty() || host.length() > 253) {
      return false;
    }
    for (String label : host.split("\\.", -1)) {
      if (!HOST_LABEL.matcher(label).matches()) {
        return false;
      }
    }
    return true;
  }

  private static boolean isPort(String port) {
    if (port.isEmpty() || port.length() > 5) {
      return false;
    }
    for (int i = 0; i < port.length(); i++) {
      if (port.charAt(i) < '0' || port.charAt(i) > '9') {
        return false;
      }
    }
    int value = Integer.parseInt(port);
    return value >= 1 && value <= 65535;
  }

  // ---- rules across keys ----

  /** The switches of [defaults] must hold for what [defaults] itself sets. */
  private void checkDefaults(Map<Key, Sourced> defaults) throws HooksConfigException {
    Sourced scope = defaults.get(Key.CAPABILITY_TOKEN_SCOPE);
    if (scope != null && !isTrue(defaults.get(Key.ALLOW_REPLY))) {
      throw needsAllowReply(DEFAULTS, scope);
    }
    checkAllowlist(DEFAULTS, defaults.get(Key.NETWORK_POLICY), defaults.get(Key.NETWORK_ALLOWLIST), false);
  }

  private HookPolicy policy(String name, Map<Key, Sourced> defaults, Map<Key, Sourced> own)
      throws HooksConfigException {
    EnumMap<Key, Sourced> merged = new EnumMap<>(Key.class);
    merged.putAll(defaults);
    merged.putAll(own);
    HookPolicy base = HookPolicy.defaults(name);

    Sourced allowReply = merged.get(Key.ALLOW_REPLY);
    boolean reply = isTrue(allowReply);
    Sourced scope = merged.get(Key.CAPABILITY_TOKEN_SCOPE);
    if (scope != null && !reply) {
      if (scope.table().equals(DEFAULTS) && own.containsKey(Key.ALLOW_REPLY)) {
        scope = null; // this hook turned the token off; the inherited scope does not apply
      } else {
        throw needsAllowReply(name, scope);
      }
    }
    if (reply && name.equals("pre-send")) {
      throw problem(name, Key.ALLOW_REPLY, allowReply, "true is not allowed: pre-send gates sends and must not"
          + " send; set allow_reply = false");
    }
    List<String> scopes = List.of();
    if (reply) {
      if (scope != null) {
        scopes = list(scope);
        checkScopesFit(name, scope, scopes);
      } else if (NO_MESSAGE_HOOKS.contains(name)) {
        throw problem(name, Key.ALLOW_REPLY, allowReply, "true gives " + name + " the default scope " + SCOPE_REPLY
            + ", but no message triggers " + name + "; list capability_token_scope with topic:NAME:post entries");
      } else {
        scopes = List.of(SCOPE_REPLY);
      }
    }

    NetworkPolicy network = checkAllowlist(name, merged.get(Key.NETWORK_POLICY), merged.get(Key.NETWORK_ALLOWLIST),
        own.containsKey(Key.NETWORK_POLICY));
    Sourced allowlist = merged.get(Key.NETWORK_ALLOWLIST);

    return new HookPolicy(
        name,
        (Boolean) value(merged, Key.ENABLED, base.enabled()),
        (Duration) value(merged, Key.TIMEOUT_S, base.timeout()),
        (Integer) value(merged, Key.OUTPUT_SIZE_LIMIT, base.outputSizeLimit()),
        merged.containsKey(Key.REDACT_PAYLOAD) ? list(merged.get(Key.REDACT_PAYLOAD)) : base.redactPayload(),
        reply,
        scopes,
        network,
        network == NetworkPolicy.ALLOWLIST && allowlist != null ? list(allowlist) : List.of(),
        (Boolean) value(merged, Key.KILLPG_ON_TIMEOUT, base.killpgOnTimeout()),
        (AuditLevel) value(merged, Key.AUDIT, base.audit()));
  }

  /** Scopes that need a triggering message, a sender or a topic, where the hook has none. */
  private void checkScopesFit(String hook, Sourced source, List<String> scopes) throws HooksConfigException {
    for (String scope : scopes) {
      boolean needsMessage = scope.equals(SCOPE_REPLY) || scope.equals(SCOPE_DM_SENDER)
          || scope.equals(SCOPE_TOPIC_OF_EVENT);
      if (needsMessage && NO_MESSAGE_HOOKS.contains(hook)) {
        throw problem(hook, Key.CAPABILITY_TOKEN_SCOPE, source, "\"" + scope + "\" is not allowed: no message"
            + " triggers " + hook + " (there is no event to reply to, no sender and no topic); only topic:NAME:post"
            + " works here");
      }
      if (scope.equals(SCOPE_TOPIC_OF_EVENT) && hook.equals("on-dm")) {
        throw problem(hook, Key.CAPABILITY_TOKEN_SCOPE, source, "\"" + scope + "\" is not allowed: a DM has no"
            + " topic; use topic:NAME:post for a named topic");
      }
    }
  }

  /**
   * Checks {@code network_allowlist} against {@code network_policy}. An allowlist inherited from
   * [defaults] is dropped when the hook sets another policy itself.
   */
  private NetworkPolicy checkAllowlist(String table, @Nullable Sourced policy, @Nullable Sourced allowlist,
      boolean policyIsOwn) throws HooksConfigException {
    NetworkPolicy network = policy == null ? NetworkPolicy.DENY : (NetworkPolicy) policy.value();
    if (network == NetworkPolicy.ALLOWLIST) {
      if (allowlist == null || list(allowlist).isEmpty()) {
        throw problem(table, Key.NETWORK_POLICY, policy, "\"allowlist\" needs a non-empty network_allowlist"
            + " (host or host:port entries)");
      }
    } else if (allowlist != null) {
      boolean inheritedAndOverridden = !table.equals(DEFAULTS) && allowlist.table().equals(DEFAULTS) && policyIsOwn;
      if (!inheritedAndOverridden) {
        throw problem(table, Key.NETWORK_ALLOWLIST, allowlist, "is only allowed with network_policy = \"allowlist\""
            + " (network_policy is \"" + network.toToml() + "\")");
      }
    }
    return network;
  }

  private HooksConfigException needsAllowReply(String table, Sourced scope) {
    return problem(table, Key.CAPABILITY_TOKEN_SCOPE, scope, "needs allow_reply = true (allow_reply is the switch"
        + " that gives a hook a token)");
  }

  private static boolean isTrue(@Nullable Sourced value) {
    return value != null && Boolean.TRUE.equals(value.value());
  }

  private static Object value(Map<Key, Sourced> merged, Key key, Object fallback) {
    Sourced value = merged.get(key);
    return value == null ? fallback : value.value();
  }

  @SuppressWarnings("unchecked")
  private static List<String> list(@Nullable Sourced value) {
    return value == null ? List.of() : (List<String>) value.value();
  }

  // ---- typed values ----

  private boolean bool(String table, Key key, Object value, @Nullable TomlPosition position)
      throws HooksConfigException {
    if (value instanceof Boolean) {
      return (Boolean) value;
    }
    throw wrongType(table, key, position, "a boolean (true or false)", value);
  }

  private long integer(String table, Key key, Object value, @Nullable TomlPosition position, long min, long max)
      throws HooksConfigException {
    if (!(value instanceof Long)) {
      throw wrongType(table, key, position, "an integer", value);
    }
    long v = (Long) value;
    if (v < min || v > max) {
      throw problem(table, key, position, v + " is outside " + min + ".." + max);
    }
    return v;
  }

  private String string(String table, Key key, Object value, @Nullable TomlPosition position)
      throws HooksConfigException {
    if (value instanceof String) {
      return (String) value;
    }
    throw wrongType(table, key, position, "a string", value);
  }

  private List<String> strings(String table, Key key, Object value, @Nullable TomlPosition position)
      throws HooksConfigException {
    if (!(value instanceof TomlArray)) {
      throw wrongType(table, key, position, "an array of strings", value);
    }
    TomlArray array = (TomlArray) value;
    List<String> result = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      Object element = array.get(i);
      if (!(element instanceof String)) {
        throw new HooksConfigException(file, "[" + table + "] " + key.toml, "[" + shown(table) + "] " + key.toml
            + " (" + TomlTypes.at(position) + ") must be an array of strings, but element " + i + " is " + TomlTypes.describe(element),
            null);
      }
      result.add((String) element);
    }
    return result;
  }

  // ---- messages ----

  private HooksConfigException wrongType(String table, Key key, @Nullable TomlPosition position, String expected,
      @Nullable Object value) {
    return new HooksConfigException(file, "[" + table + "] " + key.toml, "[" + shown(table) + "] " + key.toml + " ("
        + TomlTypes.at(position) + ") must be " + expected + ", got " + TomlTypes.describe(value), null);
  }

  private HooksConfigException problem(String table, Key key, @Nullable TomlPosition position, String problem) {
    return new HooksConfigException(file, "[" + table + "] " + key.toml, "[" + shown(table) + "] " + key.toml + " ("
        + TomlTypes.at(position) + "): " + problem, null);
  }

  /** A rule broken by a merged value: names the hook, and [defaults] when the value came from there. */
  private HooksConfigException problem(String table, Key key, @Nullable Sourced source, String problem) {
    String where;
    if (source == null) {
      where = "default";
    } else if (!source.table().equals(table)) {
      where = "from [" + source.table() + "], " + TomlTypes.at(source.position());
    } else {
      where = TomlTypes.at(source.position());
    }
    return new HooksConfigException(file, "[" + table + "] " + key.toml, "[" + shown(table) + "] " + key.toml + " ("
        + where + "): " + problem, null);
  }

  /** A name or value from the file as shown in a message: bounded, control characters replaced. */
  private static String shown(String value) {
    int max = 100;
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < value.length() && i < max; i++) {
      char c = value.charAt(i);
      b.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    if (value.length() > max) {
      b.append("...");
    }
    return b.toString();
  }
}
