package dev.claudemesh.daemon.hooks;

import dev.claudemesh.core.protocol.Target;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The hook policies of {@code hooks.toml} (SPEC §9). The file is mandatory: without it no hook
 * runs, and a hook runs only when its table is in the file (the table's presence is the opt-in).
 *
 * <h2>File format</h2>
 *
 * <pre>{@code
 * # optional: values every hook table starts from
 * [defaults]
 * timeout_s = 10
 * network_policy = "deny"
 *
 * # one table per hook, named exactly as its executable in hooks/
 * [on-dm]
 * allow_reply = true
 * capability_token_scope = ["dm:send:<sender>"]
 * redact_payload = ["$.meta.secret"]
 *
 * [on-topic-alerts]
 * timeout_s = 60
 * network_policy = "allowlist"
 * network_allowlist = ["alerts.example.com:443"]
 * }</pre>
 *
 * <p><b>Tables.</b> {@code [defaults]}, or one of the hooks {@code on-message}, {@code on-dm},
 * {@code on-mention}, {@code on-disconnect}, {@code on-reconnect}, {@code on-startup}, {@code
 * pre-send}, {@code on-topic-<name>} (a topic name is 1-64 of {@code A-Z a-z 0-9 . _ -}, not
 * starting with a dot or dash). A topic name with a dot needs a quoted table name: {@code
 * ["on-topic-ops.alerts"]}. A hook table starts from {@code [defaults]}; its own keys override.
 *
 * <p><b>Keys</b> (all optional):
 *
 * <ul>
 *   <li>{@code enabled} (boolean, default true): false keeps the table but turns the hook off. Not
 *       allowed in {@code [defaults]}.
 *   <li>{@code timeout_s} (integer 1..3600, default 30): the run is killed after this long.
 *   <li>{@code output_size_limit} (integer 0..16777216 bytes, default 65536): stdout kept per run.
 *   <li>{@code redact_payload} (array of JSON paths starting with {@code $}, default none): values
 *       replaced by {@code "[redacted]"} in the event JSON before the hook sees it, e.g. {@code
 *       "$.meta.secret"}, {@code "$.meta.*"}, {@code "$..token"}.
 *   <li>{@code allow_reply} (boolean, default false): the switch that gives a hook a capability
 *       token. Not allowed for {@code pre-send}, which gates sends and must not send.
 *   <li>{@code capability_token_scope} (array of strings; needs {@code allow_reply = true};
 *       default {@code ["reply:event"]} when {@code allow_reply = true}): {@code reply:event},
 *       {@code dm:send:<sender>} (literally: the sender of the triggering message), {@code
 *       topic:<topic>:post} (literally: the topic of the triggering message) or {@code
 *       topic:NAME:post} for a named topic. There are no read scopes. {@code on-startup}, {@code
 *       on-disconnect} and {@code on-reconnect} have no triggering message, so only {@code
 *       topic:NAME:post} is allowed there; {@code on-dm} cannot use {@code topic:<topic>:post}.
 *       Tokens expire when the hook exits or after 5 minutes.
 *   <li>{@code network_policy} ({@code "deny"} (default), {@code "allow"} or {@code
 *       "allowlist"}): best effort, {@code unshare --net} where possible, else warned and counted.
 *   <li>{@code network_allowlist} (array of {@code host} or {@code host:port}, port 1..65535):
 *       only with {@code network_policy = "allowlist"}, which needs a non-empty list.
 *   <li>{@code killpg_on_timeout} (boolean, default true): kill the hook's process group, not just
 *       the hook, on timeout.
 *   <li>{@code audit} ({@code "metadata"} (default; {@code true} means the same) or {@code
 *       "output"}): every run is audited; {@code "output"} also records the first 4 KiB of the
 *       hook's stdout and stderr, which may contain message text.
 * </ul>
 *
 * <p>A {@code capability_token_scope} inherited from {@code [defaults]} is dropped by a hook table
 * that sets {@code allow_reply = false}, and an inherited {@code network_allowlist} by one that sets
 * another {@code network_policy}. Any other broken rule, an unknown table or key, or a value of the
 * wrong type makes the whole file unusable ({@link HooksConfigException}, naming the key and its
 * line and column). The file may be at most 1 MiB.
 *
 * <p>Immutable and thread-safe.
 */
public final class HooksConfig {
  /** The file's name in the daemon directory. */
  public static final String FILE_NAME = "hooks.toml";

  /** The hooks that are not per topic. */
  static final List<String> FIXED_HOOKS = List.of("on-message", "on-dm", "on-mention", "on-disconnect",
      "on-reconnect", "on-startup", "pre-send");

  /** The prefix of the per-topic hooks. */
  static final String TOPIC_HOOK_PREFIX = "on-topic-";

  private static final HooksConfig EMPTY = new HooksConfig(Map.of());

  private final SortedMap<String, HookPolicy> policies;

  HooksConfig(Map<String, HookPolicy> policies) {
    this.policies = Collections.unmodifiableSortedMap(new TreeMap<>(policies));
  }

  /**
   * Reads and checks {@code file}.
   *
   * @throws HooksConfigException when the file does not exist, cannot be read, is over 1 MiB, is
   *     not TOML or breaks a rule; the message names the key and position where known
   */
  public static HooksConfig read(Path file) throws HooksConfigException {
    return new HooksConfig(HooksConfigReader.read(file));
  }

  /** No hooks: what the daemon uses when there is no {@code hooks.toml}. */
  public static HooksConfig empty() {
    return EMPTY;
  }

  /** The policy of {@code hookName} if the file has its table (it may be disabled). */
  public Optional<HookPolicy> policy(String hookName) {
    return Optional.ofNullable(policies.get(hookName));
  }

  /** The hooks that have a table in the file, enabled or not. */
  public SortedSet<String> hookNames() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(policies.keySet()));
  }

  /**
   * Whether {@code name} names a hook: one of {@code on-message}, {@code on-dm}, {@code
   * on-mention}, {@code on-disconnect}, {@code on-reconnect}, {@code on-startup}, {@code pre-send},
   * or {@code on-topic-<name>} with a valid topic name.
   */
  public static boolean isHookName(String name) {
    return FIXED_HOOKS.contains(name) || topicOf(name).isPresent();
  }

  /** The topic of a per-topic hook ({@code on-topic-alerts} gives {@code alerts}), else empty. */
  public static Optional<String> topicOf(String hookName) {
    if (!hookName.startsWith(TOPIC_HOOK_PREFIX)) {
      return Optional.empty();
    }
    String topic = hookName.substring(TOPIC_HOOK_PREFIX.length());
    return isTopicName(topic) ? Optional.of(topic) : Optional.empty();
  }

  /** The protocol's topic name rule (core's {@code Check.topic}, through {@link Target}). */
  static boolean isTopicName(String topic) {
    try {
      Target.checkTopicName(topic);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof HooksConfig && ((HooksConfig) other).policies.equals(policies);
  }

  @Override
  public int hashCode() {
    return policies.hashCode();
  }

  @Override
  public String toString() {
    return "HooksConfig" + policies.values();
  }
}
