package dev.claudemesh.daemon.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HooksConfigTest {
  static final String EXAMPLE = "# optional: values every hook table starts from\n"
      + "[defaults]\n"
      + "timeout_s = 10\n"
      + "network_policy = \"deny\"\n"
      + "\n"
      + "# one table per hook, named exactly as its executable in hooks/\n"
      + "[on-dm]\n"
      + "allow_reply = true\n"
      + "capability_token_scope = [\"dm:send:<sender>\"]\n"
      + "redact_payload = [\"$.meta.secret\"]\n"
      + "\n"
      + "[on-topic-alerts]\n"
      + "timeout_s = 60\n"
      + "network_policy = \"allowlist\"\n"
      + "network_allowlist = [\"alerts.example.com:443\"]\n";

  @TempDir Path dir;

  HooksConfig read(String toml) throws Exception {
    Path file = dir.resolve(HooksConfig.FILE_NAME);
    Files.writeString(file, toml);
    return HooksConfig.read(file);
  }

  /** Reads {@code toml}, expects it refused, and checks that the message holds every fragment. */
  HooksConfigException refused(String toml, String... fragments) throws IOException {
    Path file = dir.resolve(HooksConfig.FILE_NAME);
    Files.writeString(file, toml);
    HooksConfigException e = assertThrows(HooksConfigException.class, () -> HooksConfig.read(file));
    assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
    for (String fragment : fragments) {
      assertTrue(e.getMessage().contains(fragment), "<" + fragment + "> not in: " + e.getMessage());
    }
    return e;
  }

  HookPolicy policy(String toml, String hook) throws Exception {
    return read(toml).policy(hook).orElseThrow();
  }

  // ---- the example and defaults ----

  @Test
  void theDocumentedExample() throws Exception {
    HooksConfig config = read(EXAMPLE);

    assertEquals(Set.of("on-dm", "on-topic-alerts"), config.hookNames());
    HookPolicy dm = config.policy("on-dm").orElseThrow();
    assertEquals(new HookPolicy("on-dm", true, Duration.ofSeconds(10), 65536, List.of("$.meta.secret"), true,
        List.of("dm:send:<sender>"), NetworkPolicy.DENY, List.of(), true, AuditLevel.METADATA), dm);
    assertTrue(dm.grantsToken());

    HookPolicy alerts = config.policy("on-topic-alerts").orElseThrow();
    assertEquals(Duration.ofSeconds(60), alerts.timeout());
    assertEquals(NetworkPolicy.ALLOWLIST, alerts.networkPolicy());
    assertEquals(List.of("alerts.example.com:443"), alerts.networkAllowlist());
    assertFalse(alerts.allowReply());
    assertFalse(alerts.grantsToken());

    assertEquals(Optional.empty(), config.policy("on-message"), "no table, no hook");
  }

  @Test
  void anEmptyTableGetsTheDefaults() throws Exception {
    assertEquals(HookPolicy.defaults("on-message"), policy("[on-message]\n", "on-message"));
    HookPolicy d = HookPolicy.defaults("x");
    assertTrue(d.enabled());
    assertEquals(Duration.ofSeconds(30), d.timeout());
    assertEquals(64 * 1024, d.outputSizeLimit());
    assertEquals(NetworkPolicy.DENY, d.networkPolicy());
    assertTrue(d.killpgOnTimeout());
    assertEquals(AuditLevel.METADATA, d.audit());
    assertFalse(d.grantsToken());
  }

  @Test
  void anEmptyFileHasNoHooks() throws Exception {
    HooksConfig config = read("# nothing yet\n");
    assertTrue(config.hookNames().isEmpty());
    assertEquals(HooksConfig.empty(), config);
    assertTrue(HooksConfig.empty().hookNames().isEmpty());
    assertEquals(Optional.empty(), HooksConfig.empty().policy("on-dm"));
  }

  @Test
  void everyKeySet() throws Exception {
    HookPolicy p = policy("[on-mention]\nenabled = false\ntimeout_s = 3600\noutput_size_limit = 0\n"
        + "redact_payload = [\"$.meta.*\", \"$..token\", \"$.items[?(@.secret)]\"]\nallow_reply = true\n"
        + "capability_token_scope = [\"reply:event\", \"dm:send:<sender>\", \"topic:<topic>:post\","
        + " \"topic:ops.alerts:post\"]\nnetwork_policy = \"allow\"\nkillpg_on_timeout = false\naudit = \"output\"\n",
        "on-mention");
    assertEquals(new HookPolicy("on-mention", false, Duration.ofHours(1), 0,
        List.of("$.meta.*", "$..token", "$.items[?(@.secret)]"), true,
        List.of("reply:event", "dm:send:<sender>", "topic:<topic>:post", "topic:ops.alerts:post"),
        NetworkPolicy.ALLOW, List.of(), false, AuditLevel.OUTPUT), p);
  }

  @Test
  void hookTablesStartFromDefaultsAndOverrideThem() throws Exception {
    HooksConfig config = read("[defaults]\ntimeout_s = 5\noutput_size_limit = 100\naudit = \"output\"\n"
        + "redact_payload = [\"$.meta\"]\nkillpg_on_timeout = false\n"
        + "[on-message]\n"
        + "[on-dm]\ntimeout_s = 7\nredact_payload = []\naudit = \"metadata\"\n");
    HookPolicy message = config.policy("on-message").orElseThrow();
    assertEquals(Duration.ofSeconds(5), message.timeout());
    assertEquals(100, message.outputSizeLimit());
    assertEquals(AuditLevel.OUTPUT, message.audit());
    assertEquals(List.of("$.meta"), message.redactPayload());
    assertFalse(message.killpgOnTimeout());

    HookPolicy dm = config.policy("on-dm").orElseThrow();
    assertEquals(Duration.ofSeconds(7), dm.timeout());
    assertEquals(100, dm.outputSizeLimit());
    assertEquals(AuditLevel.METADATA, dm.audit());
    assertEquals(List.of(), dm.redactPayload());
    assertEquals(Set.of("on-dm", "on-message"), config.hookNames(), "[defaults] is not a hook");
  }

  @Test
  void defaultsGiveATokenThatAHookCanTurnOff() throws Exception {
    HooksConfig config = read("[defaults]\nallow_reply = true\ncapability_token_scope = [\"reply:event\"]\n"
        + "[on-message]\n[on-dm]\nallow_reply = false\n");
    assertEquals(List.of("reply:event"), config.policy("on-message").orElseThrow().capabilityTokenScope());
    HookPolicy dm = config.policy("on-dm").orElseThrow();
    assertFalse(dm.allowReply());
    assertEquals(List.of(), dm.capabilityTokenScope(), "the inherited scope does not apply");
  }

  @Test
  void anInheritedAllowlistIsDroppedByAnotherPolicy() throws Exception {
    HooksConfig config = read("[defaults]\nnetwork_policy = \"allowlist\"\nnetwork_allowlist = [\"a.example\"]\n"
        + "[on-message]\n[on-dm]\nnetwork_policy = \"deny\"\n");
    assertEquals(List.of("a.example"), config.policy("on-message").orElseThrow().networkAllowlist());
    assertEquals(NetworkPolicy.DENY, config.policy("on-dm").orElseThrow().networkPolicy());
    assertEquals(List.of(), config.policy("on-dm").orElseThrow().networkAllowlist());
  }

  @Test
  void enabledIsNotAllowedInDefaults() throws Exception {
    HooksConfigException e = refused("[defaults]\nenabled = false\n", "[defaults] enabled (line 2, column 1)",
        "not allowed in [defaults]");
    assertEquals("[defaults] enabled", e.key());
  }

  // ---- tables ----

  @ParameterizedTest
  @ValueSource(strings = {"on-message", "on-dm", "on-mention", "on-disconnect", "on-reconnect", "on-startup",
      "pre-send", "on-topic-alerts", "on-topic-_x", "on-topic-a-b_c"})
  void everyHookName(String name) throws Exception {
    assertTrue(HooksConfig.isHookName(name));
    assertEquals(Set.of(name), read("[" + name + "]\n").hookNames());
  }

  @Test
  void aTopicNameWithADotNeedsAQuotedTableName() throws Exception {
    HooksConfig config = read("[\"on-topic-ops.alerts\"]\ntimeout_s = 9\n");
    assertEquals(Set.of("on-topic-ops.alerts"), config.hookNames());
    assertEquals(Duration.ofSeconds(9), config.policy("on-topic-ops.alerts").orElseThrow().timeout());

    refused("[on-topic-ops.alerts]\ntimeout_s = 9\n", "unknown key [on-topic-ops] alerts",
        "quoted table name: [\"on-topic-ops.alerts\"]");
  }

  @Test
  void topicOf() {
    assertEquals(Optional.of("alerts"), HooksConfig.topicOf("on-topic-alerts"));
    assertEquals(Optional.of("a.b"), HooksConfig.topicOf("on-topic-a.b"));
    assertEquals(Optional.empty(), HooksConfig.topicOf("on-topic-"));
    assertEquals(Optional.empty(), HooksConfig.topicOf("on-topic-.a"));
    assertEquals(Optional.empty(), HooksConfig.topicOf("on-dm"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"on-topic-", "on-topic-.hidden", "on-topic--x", "on-topic-a b", "on-topic-é",
      "on-topic-12345678901234567890123456789012345678901234567890123456789012345", "on-Dm", "on-foo", "post-send",
      "hooks"})
  void notHookNames(String name) throws Exception {
    assertFalse(HooksConfig.isHookName(name));
    HooksConfigException e = refused("[\"" + name + "\"]\n", "unknown table [" + name + "] (line 1, column 1)",
        "valid tables: [defaults], [on-message], [on-dm], [on-mention], [on-disconnect], [on-reconnect],"
            + " [on-startup], [pre-send], [on-topic-NAME]");
    assertEquals("[" + name + "]", e.key());
  }

  @Test
  void aHookMustBeATable() throws Exception {
    refused("on-dm = 1\n", "[on-dm] (line 1, column 1) must be a table, got an integer");
    refused("[[on-dm]]\ntimeout_s = 1\n", "[on-dm]", "must be a table, got an array");
    refused("timeout_s = 1\n", "unknown table [timeout_s]");
  }

  // ---- keys and types ----

  @Test
  void unknownKeys() throws Exception {
    HooksConfigException e = refused("[on-dm]\ntimeout = 5\n", "unknown key [on-dm] timeout (line 2, column 1)",
        "known keys: [enabled, timeout_s,");
    assertEquals("[on-dm] timeout", e.key());
    refused("[defaults]\nnetwork = \"deny\"\n", "unknown key [defaults] network");
  }

  @Test
  void wrongTypes() throws Exception {
    refused("[on-dm]\nenabled = \"yes\"\n", "[on-dm] enabled (line 2, column 1) must be a boolean (true or false),"
        + " got a string");
    refused("[on-dm]\ntimeout_s = 1.5\n", "[on-dm] timeout_s", "must be an integer, got a float");
    refused("[on-dm]\noutput_size_limit = \"64k\"\n", "[on-dm] output_size_limit", "must be an integer, got a string");
    refused("[on-dm]\nredact_payload = \"$.a\"\n", "[on-dm] redact_payload", "must be an array of strings, got a string");
    refused("[on-dm]\nredact_payload = [\"$.a\", 2]\n", "[on-dm] redact_payload", "element 1 is an integer");
    refused("[on-dm]\nallow_reply = 1\n", "[on-dm] allow_reply", "must be a boolean");
    refused("[on-dm]\nallow_reply = true\ncapability_token_scope = \"reply:event\"\n", "[on-dm] capability_token_scope",
        "must be an array of strings");
    refused("[on-dm]\nnetwork_policy = false\n", "[on-dm] network_policy", "must be a string, got a boolean");
    refused("[on-dm]\nnetwork_policy = \"allowlist\"\nnetwork_allowlist = \"a.example\"\n",
        "[on-dm] network_allowlist", "must be an array of strings");
    refused("[on-dm]\nkillpg_on_timeout = \"no\"\n", "[on-dm] killpg_on_timeout", "must be a boolean");
    refused("[on-dm]\naudit = 1\n", "[on-dm] audit", "must be \"metadata\" or \"output\", got an integer");
    refused("[on-dm]\ntimeout_s = 1979-05-27\n", "[on-dm] timeout_s", "got a date or time");
    refused("[on-dm]\ntimeout_s = {}\n", "[on-dm] timeout_s", "got a table");
  }

  @Test
  void ranges() throws Exception {
    assertEquals(Duration.ofSeconds(1), policy("[on-dm]\ntimeout_s = 1\n", "on-dm").timeout());
    refused("[on-dm]\ntimeout_s = 0\n", "[on-dm] timeout_s (line 2, column 1): 0 is outside 1..3600");
    refused("[on-dm]\ntimeout_s = 3601\n", "3601 is outside 1..3600");
    refused("[defaults]\ntimeout_s = -1\n", "[defaults] timeout_s", "outside 1..3600");
    assertEquals(16777216, policy("[on-dm]\noutput_size_limit = 16777216\n", "on-dm").outputSizeLimit());
    refused("[on-dm]\noutput_size_limit = 16777217\n", "[on-dm] output_size_limit", "outside 0..16777216");
    refused("[on-dm]\noutput_size_limit = -1\n", "outside 0..16777216");
  }

  @Test
  void audit() throws Exception {
    assertEquals(AuditLevel.METADATA, policy("[on-dm]\naudit = true\n", "on-dm").audit());
    assertEquals(AuditLevel.METADATA, policy("[on-dm]\naudit = \"metadata\"\n", "on-dm").audit());
    assertEquals(AuditLevel.OUTPUT, policy("[on-dm]\naudit = \"output\"\n", "on-dm").audit());
    refused("[on-dm]\naudit = false\n", "[on-dm] audit (line 2, column 1)",
        "every run is audited (SPEC §9); audit takes \"metadata\" or \"output\"");
    refused("[on-dm]\naudit = \"full\"\n", "[on-dm] audit", "\"full\" is not \"metadata\" or \"output\"");
  }

  @Test
  void networkPolicy() throws Exception {
    assertEquals(NetworkPolicy.DENY, NetworkPolicy.fromToml("deny"));
    assertEquals(NetworkPolicy.ALLOW, NetworkPolicy.fromToml("allow"));
    assertEquals(NetworkPolicy.ALLOWLIST, NetworkPolicy.fromToml("allowlist"));
    assertThrows(IllegalArgumentException.class, () -> NetworkPolicy.fromToml("DENY"));
    assertEquals(NetworkPolicy.ALLOW, policy("[on-dm]\nnetwork_policy = \"allow\"\n", "on-dm").networkPolicy());
    refused("[on-dm]\nnetwork_policy = \"none\"\n", "[on-dm] network_policy (line 2, column 1)",
        "\"none\" is not one of \"deny\", \"allow\", \"allowlist\"");
  }

  @Test
  void networkAllowlist() throws Exception {
    HookPolicy p = policy("[on-dm]\nnetwork_policy = \"allowlist\"\nnetwork_allowlist = [\"api.example.com\","
        + " \"Mail.Example.COM:25\", \"10.0.0.1:8080\", \"[::1]:443\", \"[fe80::1]\", \"localhost:65535\"]\n", "on-dm");
    assertEquals(List.of("api.example.com", "mail.example.com:25", "10.0.0.1:8080", "[::1]:443", "[fe80::1]",
        "localhost:65535"), p.networkAllowlist());

    refused("[on-dm]\nnetwork_policy = \"allowlist\"\n", "[on-dm] network_policy",
        "needs a non-empty network_allowlist");
    refused("[on-dm]\nnetwork_policy = \"allowlist\"\nnetwork_allowlist = []\n", "needs a non-empty network_allowlist");
    refused("[on-dm]\nnetwork_allowlist = [\"a.example\"]\n", "[on-dm] network_allowlist (line 2, column 1)",
        "only allowed with network_policy = \"allowlist\" (network_policy is \"deny\")");
    refused("[on-dm]\nnetwork_policy = \"allow\"\nnetwork_allowlist = [\"a.example\"]\n",
        "[on-dm] network_allowlist", "(network_policy is \"allow\")");
    refused("[defaults]\nnetwork_allowlist = [\"a.example\"]\n", "[defaults] network_allowlist");
    for (String bad : List.of("a.example:0", "a.example:65536", "a.example:", "a.example:http", "https://a.example",
        "a..example", "-a.example", "*.example.com", "", "a.example/path", "::1", "[::1", "[::1]x", "[zz]",
        "a.example:443:1")) {
      refused("[on-dm]\nnetwork_policy = \"allowlist\"\nnetwork_allowlist = [\"" + bad + "\"]\n",
          "[on-dm] network_allowlist", "\"" + bad + "\" is not host or host:port");
    }
  }

  @Test
  void redactPayload() throws Exception {
    assertEquals(List.of("$.meta.secret", "$['odd key']", "$..token"),
        policy("[on-dm]\nredact_payload = [\"$.meta.secret\", \"$['odd key']\", \"$..token\", \"$..token\"]\n",
            "on-dm").redactPayload());
    refused("[on-dm]\nredact_payload = [\"meta.secret\"]\n", "[on-dm] redact_payload (line 2, column 1)",
        "\"meta.secret\" is not a JSON path starting with $");
    refused("[on-dm]\nredact_payload = [\"$.meta[0\"]\n", "[on-dm] redact_payload", "is not a valid JSON path");
    refused("[on-dm]\nredact_payload = [\"$x\"]\n", "[on-dm] redact_payload", "is not a valid JSON path");
    refused("[on-dm]\nredact_payload = [\"$.items.length()\"]\n", "[on-dm] redact_payload", "ends in a function");
    assertEquals(List.of("$.items[?(@.secret)]"),
        policy("[on-dm]\nredact_payload = [\"$.items[?(@.secret)]\"]\n", "on-dm").redactPayload());
    refused("[on-dm]\nredact_payload = [\"$..\"]\n", "[on-dm] redact_payload", "is not a valid JSON path");
    refused("[on-dm]\nredact_payload = [\"$\"]\n", "[on-dm] redact_payload", "would redact the whole event");
  }

  // ---- tokens and scopes ----

  @Test
  void allowReplyAloneDefaultsToReplyEvent() throws Exception {
    HookPolicy p = policy("[on-message]\nallow_reply = true\n", "on-message");
    assertEquals(List.of("reply:event"), p.capabilityTokenScope());
    assertTrue(p.grantsToken());
  }

  @Test
  void aScopeNeedsAllowReply() throws Exception {
    HooksConfigException e = refused("[on-message]\ncapability_token_scope = [\"reply:event\"]\n",
        "[on-message] capability_token_scope (line 2, column 1): needs allow_reply = true");
    assertEquals("[on-message] capability_token_scope", e.key());
    refused("[on-message]\nallow_reply = false\ncapability_token_scope = [\"reply:event\"]\n",
        "needs allow_reply = true");
    refused("[defaults]\ncapability_token_scope = [\"reply:event\"]\n", "[defaults] capability_token_scope",
        "needs allow_reply = true");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dm:send:abcd", "inbox:read", "topic:read", "topic:alerts:read", "topic:.x:post",
      "topic::post", "topic:post", "reply:*", "dm:send:*", "topic:<name>:post", "REPLY:EVENT", "reply:event "})
  void unknownScopes(String scope) throws Exception {
    refused("[on-message]\nallow_reply = true\ncapability_token_scope = [\"" + scope + "\"]\n",
        "[on-message] capability_token_scope (line 3, column 1): unknown scope \"" + scope + "\"",
        "(hooks get no read scopes; valid: reply:event, dm:send:<sender>, topic:<topic>:post, topic:NAME:post");
  }

  @Test
  void preSendMayNotReply() throws Exception {
    refused("[pre-send]\nallow_reply = true\n", "[pre-send] allow_reply (line 2, column 1)",
        "pre-send gates sends and must not send");
    refused("[defaults]\nallow_reply = true\n[pre-send]\n", "[pre-send] allow_reply (from [defaults], line 2, column 1)");
    assertFalse(policy("[defaults]\nallow_reply = true\n[pre-send]\nallow_reply = false\n", "pre-send").allowReply());
  }

  @ParameterizedTest
  @ValueSource(strings = {"on-startup", "on-disconnect", "on-reconnect"})
  void hooksWithoutAMessageGetOnlyNamedTopics(String hook) throws Exception {
    HookPolicy p = policy("[" + hook + "]\nallow_reply = true\ncapability_token_scope = [\"topic:ops:post\"]\n", hook);
    assertEquals(List.of("topic:ops:post"), p.capabilityTokenScope());
    for (String scope : List.of("reply:event", "dm:send:<sender>", "topic:<topic>:post")) {
      refused("[" + hook + "]\nallow_reply = true\ncapability_token_scope = [\"topic:ops:post\", \"" + scope + "\"]\n",
          "[" + hook + "] capability_token_scope (line 3, column 1)", "\"" + scope + "\" is not allowed: no message"
              + " triggers " + hook);
    }
    refused("[" + hook + "]\nallow_reply = true\n", "[" + hook + "] allow_reply", "no message triggers " + hook);
    refused("[defaults]\nallow_reply = true\ncapability_token_scope = [\"reply:event\"]\n[" + hook + "]\n",
        "[" + hook + "] capability_token_scope (from [defaults], line 3, column 1)");
  }

  @Test
  void aDmHasNoTopic() throws Exception {
    refused("[on-dm]\nallow_reply = true\ncapability_token_scope = [\"topic:<topic>:post\"]\n",
        "[on-dm] capability_token_scope", "a DM has no topic");
    assertEquals(List.of("topic:ops:post", "dm:send:<sender>", "reply:event"),
        policy("[on-dm]\nallow_reply = true\ncapability_token_scope = [\"topic:ops:post\", \"dm:send:<sender>\","
            + " \"reply:event\"]\n", "on-dm").capabilityTokenScope());
    assertEquals(List.of("topic:<topic>:post"), policy("[on-topic-x]\nallow_reply = true\n"
        + "capability_token_scope = [\"topic:<topic>:post\"]\n", "on-topic-x").capabilityTokenScope());
  }

  // ---- the file ----

  @Test
  void aMissingFileIsAnError() {
    Path file = dir.resolve(HooksConfig.FILE_NAME);
    HooksConfigException e = assertThrows(HooksConfigException.class, () -> HooksConfig.read(file));
    assertEquals(file + ": does not exist", e.getMessage());
    assertEquals(file, e.file());
    assertEquals(null, e.key());
  }

  @Test
  void aDirectoryIsNotAFile() throws Exception {
    Path file = Files.createDirectory(dir.resolve(HooksConfig.FILE_NAME));
    HooksConfigException e = assertThrows(HooksConfigException.class, () -> HooksConfig.read(file));
    assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
  }

  @Test
  void aFileOverOneMibIsRefused() throws Exception {
    int mib = 1024 * 1024;
    String header = "[on-dm]\n";
    // one long comment line: tomlj takes minutes over a MiB of short comment lines
    String exactlyOneMib = header + "#" + "x".repeat(mib - header.length() - 2) + "\n";
    assertEquals(mib, exactlyOneMib.length());
    assertEquals(Set.of("on-dm"), read(exactlyOneMib).hookNames());
    refused(exactlyOneMib + "\n", "is larger than 1048576 bytes (1 MiB)");
  }

  @Test
  void parseErrorsCarryTheirPosition() throws Exception {
    refused("[on-dm]\ntimeout_s = = 3\n", "not valid TOML: line 2, column");
    refused("[on-dm]\ntimeout_s = 3\ntimeout_s = 4\n", "not valid TOML: line 3");
  }

  @Test
  void notUtf8() throws Exception {
    Path file = dir.resolve(HooksConfig.FILE_NAME);
    Files.write(file, new byte[] {'#', ' ', (byte) 0xC3, (byte) 0x28, '\n'});
    HooksConfigException e = assertThrows(HooksConfigException.class, () -> HooksConfig.read(file));
    assertTrue(e.getMessage().endsWith("is not valid UTF-8"), e.getMessage());
  }

  @Test
  void immutableAndPrintable() throws Exception {
    HooksConfig config = read(EXAMPLE);
    assertThrows(UnsupportedOperationException.class, () -> config.hookNames().add("on-message"));
    HookPolicy dm = config.policy("on-dm").orElseThrow();
    assertThrows(UnsupportedOperationException.class, () -> dm.redactPayload().add("$.x"));
    assertTrue(config.toString().contains("on-topic-alerts"), config.toString());
    assertEquals(read(EXAMPLE), config);
  }
}
