package dev.claudemesh.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.core.identity.ClonePolicy;
import dev.claudemesh.core.identity.DaemonPaths;
import dev.claudemesh.core.identity.KeyArchive;
import dev.claudemesh.core.protocol.FeatureNegotiation;
import dev.claudemesh.core.store.Inbox;
import dev.claudemesh.core.store.Outbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DaemonConfigTest {
  static final Environment BARE_METAL = Environment.detect(Map.of(), EnvironmentTest.NO_FILES, false);
  static final Environment CI = Environment.detect(Map.of("CI", "true"), EnvironmentTest.NO_FILES, false);
  static final Environment CONTAINER =
      Environment.detect(Map.of(), EnvironmentTest.files(Set.of(Environment.DOCKERENV), Optional.empty()), false);

  @TempDir Path dir;

  DaemonConfig load(String toml) throws IOException {
    return load(toml, BARE_METAL);
  }

  DaemonConfig load(String toml, Environment environment) throws IOException {
    DaemonPaths paths = DaemonPaths.inDirectory(dir);
    Files.writeString(paths.configToml(), toml);
    return DaemonConfig.load(paths, environment);
  }

  // ---- defaults ----

  @Test
  void missingFileMeansDefaults() {
    DaemonConfig config = DaemonConfig.load(DaemonPaths.inDirectory(dir), BARE_METAL);
    assertTrue(config.tcpEnabled());
    assertEquals(0, config.httpPort());
    assertEquals("127.0.0.1", config.httpBind());
    assertEquals(Optional.empty(), config.httpTokenFile());
    assertFalse(config.publicHealthCheck());
    assertEquals(List.of(), config.originAllowlist());
    assertTrue(config.maxAgeHoursOverride().isEmpty());
    assertEquals(Outbox.DEFAULT_MAX_BYTES, config.outboxMaxBytes());
    assertEquals(Inbox.DEFAULT_RETENTION, config.inboxRetention());
    assertEquals(ClonePolicy.REFUSE, config.clonePolicy());
    assertEquals(Optional.empty(), config.cloneIdOverride());
    assertEquals(KeyArchive.DEFAULT_GRACE, config.keyGracePeriod());
    assertEquals(FeatureNegotiation.DEFAULT_REQUIRE, config.requiredFeatures());
    assertEquals(FeatureNegotiation.DEFAULT_OPTIONAL, config.optionalFeatures());
    assertTrue(config.hooksEnabled());
    assertEquals(DaemonConfig.DEFAULT_MAX_DAEMONS, config.maxDaemons());
    assertEquals(List.of(), config.warnings());
    for (ConfigKey key : ConfigKey.values()) {
      assertFalse(config.isExplicit(key), key.toString());
    }
  }

  @Test
  void emptyFileMeansDefaults() throws IOException {
    assertEquals(DaemonConfig.load(DaemonPaths.inDirectory(dir.resolve("none")), BARE_METAL).describe(),
        load("").describe());
  }

  // ---- valid values, one per key ----

  record Valid(String toml, ConfigKey key, String shown) {}

  static Stream<Arguments> valid() {
    return Stream.of(
        v("tcp_enabled false", "[ipc]\ntcp_enabled = false", ConfigKey.IPC_TCP_ENABLED, "false"),
        v("http_port 0 (auto)", "[ipc]\nhttp_port = 0", ConfigKey.IPC_HTTP_PORT, "0"),
        v("http_port 65535", "[ipc]\nhttp_port = 65535", ConfigKey.IPC_HTTP_PORT, "65535"),
        v("http_bind ::1", "[ipc]\nhttp_bind = \"::1\"", ConfigKey.IPC_HTTP_BIND, "\"::1\""),
        v("http_bind localhost", "[ipc]\nhttp_bind = \"localhost\"", ConfigKey.IPC_HTTP_BIND, "\"localhost\""),
        v("http_bind 127.0.0.2", "[ipc]\nhttp_bind = \"127.0.0.2\"", ConfigKey.IPC_HTTP_BIND, "\"127.0.0.2\""),
        v("http_bind elsewhere with a token file",
            "[ipc]\nhttp_bind = \"0.0.0.0\"\nhttp_token_file = \"remote_token\"", ConfigKey.IPC_HTTP_BIND,
            "\"0.0.0.0\""),
        v("public_health_check true", "[ipc]\npublic_health_check = true", ConfigKey.IPC_PUBLIC_HEALTH_CHECK, "true"),
        v("origin_allowlist", "[ipc]\norigin_allowlist = [\"https://App.example\", \"http://localhost:3000\"]",
            ConfigKey.IPC_ORIGIN_ALLOWLIST, "[\"https://app.example\", \"http://localhost:3000\"]"),
        v("max_age_hours_override 1", "[outbox]\nmax_age_hours_override = 1",
            ConfigKey.OUTBOX_MAX_AGE_HOURS_OVERRIDE, "1"),
        v("max_age_hours_override 720", "[outbox]\nmax_age_hours_override = 720",
            ConfigKey.OUTBOX_MAX_AGE_HOURS_OVERRIDE, "720"),
        v("max_bytes 1 GB", "[outbox]\nmax_bytes = 1_000_000_000", ConfigKey.OUTBOX_MAX_BYTES, "1000000000"),
        v("retention_days 1", "[inbox]\nretention_days = 1", ConfigKey.INBOX_RETENTION_DAYS, "1"),
        v("retention_days 365", "[inbox]\nretention_days = 365", ConfigKey.INBOX_RETENTION_DAYS, "365"),
        v("clone policy warn", "[clone]\npolicy = \"warn\"", ConfigKey.CLONE_POLICY, "\"warn\""),
        v("clone policy allow", "[clone]\npolicy = \"allow\"", ConfigKey.CLONE_POLICY, "\"allow\""),
        v("clone id_override is masked", "[clone]\nid_override = \"host-7\"", ConfigKey.CLONE_ID_OVERRIDE, "***"),
        v("key_grace_period_days 0", "[crypto]\nkey_grace_period_days = 0",
            ConfigKey.CRYPTO_KEY_GRACE_PERIOD_DAYS, "0"),
        v("key_grace_period_days 30", "[crypto]\nkey_grace_period_days = 30",
            ConfigKey.CRYPTO_KEY_GRACE_PERIOD_DAYS, "30"),
        v("features require adds key_epoch", "[features]\nrequire = [\"client_message_id_dedupe\", "
            + "\"concurrent_connection_policy\", \"key_epoch\"]", ConfigKey.FEATURES_OPTIONAL,
            "[\"member_keypair_rotated_event\", \"max_payload\"]"),
        v("features optional empty", "[features]\noptional = []", ConfigKey.FEATURES_OPTIONAL, "[]"),
        v("hooks enabled false", "[hooks]\nenabled = false", ConfigKey.HOOKS_ENABLED, "false"),
        v("fleet max_daemons 1", "[fleet]\nmax_daemons = 1", ConfigKey.FLEET_MAX_DAEMONS, "1"),
        v("fleet max_daemons 256", "[fleet]\nmax_daemons = 256", ConfigKey.FLEET_MAX_DAEMONS, "256"));
  }

  private static Arguments v(String name, String toml, ConfigKey key, String shown) {
    return Arguments.of(Named.of(name, new Valid(toml, key, shown)));
  }

  @ParameterizedTest
  @MethodSource("valid")
  void acceptsValidValues(Valid c) throws IOException {
    DaemonConfig config = load(c.toml());
    assertEquals(c.shown(), config.display(c.key()));
    assertEquals(List.of(), config.warnings());
  }

  // ---- wrong types and impossible values ----

  record Refused(String toml, String key, String message) {}

  static Stream<Arguments> refused() {
    return Stream.of(
        r("tcp_enabled as a string", "[ipc]\ntcp_enabled = \"yes\"", "[ipc] tcp_enabled",
            "[ipc] tcp_enabled (line 2, column 1) must be a boolean (true or false), got a string"),
        r("http_port as a string", "[ipc]\nhttp_port = \"8080\"", "[ipc] http_port",
            "[ipc] http_port (line 2, column 1) must be an integer, got a string"),
        r("http_port as a float", "[ipc]\nhttp_port = 80.5", "[ipc] http_port", "must be an integer, got a float"),
        r("http_port negative", "[ipc]\nhttp_port = -1", "[ipc] http_port",
            "[ipc] http_port (line 2, column 1): -1 is outside 0..65535"),
        r("http_port above 65535", "[ipc]\nhttp_port = 65536", "[ipc] http_port", "65536 is outside 0..65535"),
        r("http_bind not an address", "[ipc]\nhttp_bind = \"example.com\"", "[ipc] http_bind",
            "\"example.com\" is not an IP address or localhost"),
        r("http_bind bad IPv4", "[ipc]\nhttp_bind = \"300.1.1.1\"", "[ipc] http_bind",
            "\"300.1.1.1\" is not an IP address or localhost"),
        r("http_bind elsewhere without a token file", "[ipc]\nhttp_bind = \"0.0.0.0\"", "[ipc] http_bind",
            "\"0.0.0.0\" is not a loopback address; binding elsewhere needs [ipc] http_token_file"),
        r("http_token_file is local_token", "[ipc]\nhttp_bind = \"0.0.0.0\"\nhttp_token_file = \"local_token\"",
            "[ipc] http_token_file", "is local_token itself"),
        r("http_token_file empty", "[ipc]\nhttp_token_file = \"\"", "[ipc] http_token_file", "is empty"),
        r("public_health_check as an integer", "[ipc]\npublic_health_check = 1", "[ipc] public_health_check",
            "must be a boolean (true or false), got an integer"),
        r("origin_allowlist as a string", "[ipc]\norigin_allowlist = \"https://a.example\"",
            "[ipc] origin_allowlist", "must be an array of strings, got a string"),
        r("origin_allowlist with a number", "[ipc]\norigin_allowlist = [\"https://a.example\", 3]",
            "[ipc] origin_allowlist", "[ipc] origin_allowlist (line 2, column 1) must be an array of strings, but element 1 is an integer"),
        r("origin_allowlist wildcard", "[ipc]\norigin_allowlist = [\"*\"]", "[ipc] origin_allowlist",
            "\"*\" would let any page in"),
        r("origin_allowlist with a path", "[ipc]\norigin_allowlist = [\"https://a.example/app\"]",
            "[ipc] origin_allowlist", "is not an origin (scheme://host[:port], no path)"),
        r("max_age_hours_override zero", "[outbox]\nmax_age_hours_override = 0",
            "[outbox] max_age_hours_override", "0 must be at least 1 hour"),
        r("max_age_hours_override as a string", "[outbox]\nmax_age_hours_override = \"168\"",
            "[outbox] max_age_hours_override", "must be an integer, got a string"),
        r("max_bytes negative", "[outbox]\nmax_bytes = -5", "[outbox] max_bytes", "-5 must be positive"),
        r("max_bytes zero", "[outbox]\nmax_bytes = 0", "[outbox] max_bytes", "0 must be positive"),
        r("retention_days zero", "[inbox]\nretention_days = 0", "[inbox] retention_days", "0 must be at least 1 day"),
        r("retention_days as a boolean", "[inbox]\nretention_days = true", "[inbox] retention_days",
            "must be an integer, got a boolean"),
        r("clone policy unknown", "[clone]\npolicy = \"ignore\"", "[clone] policy",
            "\"ignore\" is not one of refuse, warn, allow"),
        r("clone policy as an integer", "[clone]\npolicy = 1", "[clone] policy", "must be a string, got an integer"),
        r("clone id_override as an integer", "[clone]\nid_override = 7", "[clone] id_override",
            "must be a string, got an integer"),
        r("key_grace_period_days negative", "[crypto]\nkey_grace_period_days = -1",
            "[crypto] key_grace_period_days", "-1 must be at least 0"),
        r("features require unknown", "[features]\nrequire = [\"telepathy\"]", "[features] require",
            "lists unknown feature \"telepathy\""),
        r("features optional unknown", "[features]\noptional = [\"telepathy\"]", "[features] optional",
            "lists unknown feature \"telepathy\""),
        r("feature both required and optional",
            "[features]\nrequire = [\"key_epoch\"]\noptional = [\"key_epoch\"]", "[features] optional",
            "lists key_epoch, which [features] require lists too"),
        r("feature optional but required by default", "[features]\noptional = [\"client_message_id_dedupe\"]",
            "[features] optional", "lists client_message_id_dedupe, which is required by default too"),
        r("features require as a table", "[features.require]\nx = 1", "[features] require",
            "must be an array of strings, got a table"),
        r("hooks enabled as a string", "[hooks]\nenabled = \"on\"", "[hooks] enabled",
            "must be a boolean (true or false), got a string"),
        r("fleet max_daemons zero", "[fleet]\nmax_daemons = 0", "[fleet] max_daemons", "0 must be at least 1"),
        r("a known table given as a value", "ipc = 3", "[ipc]", "[ipc] (line 1, column 1) must be a table"));
  }

  private static Arguments r(String name, String toml, String key, String message) {
    return Arguments.of(Named.of(name, new Refused(toml, key, message)));
  }

  @ParameterizedTest
  @MethodSource("refused")
  void refusesImpossibleValues(Refused c) {
    ConfigException e = assertThrows(ConfigException.class, () -> load(c.toml()));
    assertEquals(c.key(), e.key());
    assertTrue(e.getMessage().contains(c.message()), e.getMessage());
    assertTrue(e.getMessage().startsWith(dir.resolve("config.toml") + ": "), e.getMessage());
  }

  // ---- clamps ----

  record Clamped(String toml, ConfigKey key, String shown, String warning, String logged) {}

  static Stream<Arguments> clamped() {
    return Stream.of(
        cl("retention_days above the cap", "[inbox]\nretention_days = 400", ConfigKey.INBOX_RETENTION_DAYS, "365",
            "[inbox] retention_days = 400 is above the cap of 365; using 365"),
        cl("key_grace_period_days above 30 (core's clamp)", "[crypto]\nkey_grace_period_days = 45",
            ConfigKey.CRYPTO_KEY_GRACE_PERIOD_DAYS, "30",
            "[crypto] key_grace_period_days = 45 is above the cap of 30; using 30",
            "[crypto] key_grace_period_days = 45 is above the hard cap; using 30"),
        cl("max_age_hours_override above 720 (core's clamp)", "[outbox]\nmax_age_hours_override = 1000",
            ConfigKey.OUTBOX_MAX_AGE_HOURS_OVERRIDE, "720",
            "[outbox] max_age_hours_override = 1000 is above the cap of 720; using 720",
            "[outbox] max_age_hours_override = 1000 is above the cap; using 720"),
        cl("max_bytes below one request body", "[outbox]\nmax_bytes = 1000", ConfigKey.OUTBOX_MAX_BYTES, "1048576",
            "[outbox] max_bytes = 1000 is below the floor of 1048576 (one request body); using 1048576"),
        cl("max_daemons above the cap", "[fleet]\nmax_daemons = 1000", ConfigKey.FLEET_MAX_DAEMONS, "256",
            "[fleet] max_daemons = 1000 is above the cap of 256; using 256"));
  }

  private static Arguments cl(String name, String toml, ConfigKey key, String shown, String warning) {
    return cl(name, toml, key, shown, warning, warning);
  }

  private static Arguments cl(String name, String toml, ConfigKey key, String shown, String warning, String logged) {
    return Arguments.of(Named.of(name, new Clamped(toml, key, shown, warning, logged)));
  }

  @ParameterizedTest
  @MethodSource("clamped")
  void clampsUnwiseValuesWithAWarning(Clamped c) throws IOException {
    DaemonConfig config = load(c.toml());
    assertEquals(c.shown(), config.display(c.key()));
    assertEquals(List.of(c.warning()), config.warnings());
    assertFalse(TestLogs.matching("WARN", c.logged()).isEmpty(), "no WARN line: " + c.logged());
  }

  // ---- other warnings ----

  @Test
  void unknownKeysAndTablesAreWarnedAboutByName() throws IOException {
    DaemonConfig config = load("[ipc]\nhtp_port = 8080\n\n[inbx]\nretention_days = 3\n");
    assertEquals(List.of(
        "unknown key [ipc] htp_port (line 2, column 1) is ignored; known keys of [ipc]: [http_bind, http_port, "
            + "http_token_file, origin_allowlist, public_health_check, tcp_enabled]",
        "unknown table [inbx] (line 4, column 1) is ignored; known tables: [clone, crypto, features, fleet, hooks, "
            + "inbox, ipc, outbox]"), config.warnings());
    assertFalse(TestLogs.matching("WARN", "unknown key [ipc] htp_port").isEmpty());
    assertEquals(0, config.httpPort());
  }

  @Test
  void aTopLevelKeyIsUnknown() throws IOException {
    DaemonConfig config = load("http_port = 8080\n");
    assertTrue(config.warnings().get(0).startsWith("unknown key http_port (line 1, column 1) is ignored"),
        config.warnings().toString());
  }

  @Test
  void bindOrPortWithTcpOffIsWarnedAbout() throws IOException {
    DaemonConfig config = load("[ipc]\nhttp_port = 8080\n", CONTAINER);
    assertFalse(config.tcpEnabled());
    assertEquals(List.of("[ipc] http_port has no effect: TCP is off (default in container); "
        + "set [ipc] tcp_enabled = true to serve it"), config.warnings());
  }

  @Test
  void tokenFileWithLoopbackBindIsWarnedAbout() throws IOException {
    DaemonConfig config = load("[ipc]\nhttp_token_file = \"remote_token\"\n");
    assertEquals(Optional.of(dir.resolve("remote_token").toAbsolutePath()), config.httpTokenFile());
    assertTrue(config.warnings().get(0).startsWith("[ipc] http_token_file is set but [ipc] http_bind is loopback"));
  }

  @Test
  void publicHealthBeyondLoopbackIsWarnedAbout() throws IOException {
    DaemonConfig config = load(
        "[ipc]\nhttp_bind = \"0.0.0.0\"\nhttp_token_file = \"remote_token\"\npublic_health_check = true\n");
    assertEquals(List.of("[ipc] public_health_check = true with [ipc] http_bind = \"0.0.0.0\" answers /v1/health "
        + "without a token beyond this host"), config.warnings());
  }

  @Test
  void droppingDedupeFromRequireIsWarnedAbout() throws IOException {
    DaemonConfig config = load("[features]\nrequire = [\"concurrent_connection_policy\"]\n");
    assertEquals(List.of("concurrent_connection_policy"), config.requiredFeatures());
    assertEquals(FeatureNegotiation.DEFAULT_OPTIONAL, config.optionalFeatures());
    assertEquals(List.of("[features] require does not list client_message_id_dedupe: a broker without it may "
        + "deliver a retried send twice"), config.warnings());
  }

  @Test
  void groupWritableFileIsWarnedAbout() throws IOException {
    DaemonPaths paths = DaemonPaths.inDirectory(dir);
    Files.writeString(paths.configToml(), "");
    Files.setPosixFilePermissions(paths.configToml(), PosixFilePermissions.fromString("rw-rw-r--"));
    DaemonConfig config = DaemonConfig.load(paths, BARE_METAL);
    assertEquals(List.of("config.toml has mode rw-rw-r--; others can change the daemon's settings; "
        + "expected rw-r--r-- (0644)"), config.warnings());
  }

  // ---- the file ----

  @Test
  void badTomlNamesFileLineAndColumn() {
    ConfigException e = assertThrows(ConfigException.class, () -> load("[ipc]\nhttp_port = 80\nhttp_bind = \n"));
    assertNull(e.key());
    assertTrue(e.getMessage().startsWith(dir.resolve("config.toml") + ": not valid TOML: line 3, column 13: "),
        e.getMessage());
  }

  @Test
  void unreadableFileRefuses() throws IOException {
    Files.createDirectory(dir.resolve("config.toml"));
    ConfigException e = assertThrows(ConfigException.class, () -> DaemonConfig.load(DaemonPaths.inDirectory(dir),
        BARE_METAL));
    assertTrue(e.getMessage().contains(": cannot read config.toml: "), e.getMessage());
  }

  // ---- environment defaults and overrides ----

  @Test
  void ciDefaultsToUdsOnlyAndNoHooksButConfigOverrides() throws IOException {
    DaemonConfig defaults = load("", CI);
    assertFalse(defaults.tcpEnabled());
    assertFalse(defaults.hooksEnabled());
    assertTrue(defaults.describe().contains("[ipc] tcp_enabled = false (default for ci)"), defaults.describe());

    DaemonConfig overridden = load("[ipc]\ntcp_enabled = true\n[hooks]\nenabled = true\n", CI);
    assertTrue(overridden.tcpEnabled());
    assertTrue(overridden.hooksEnabled());
    assertTrue(overridden.describe().contains("[ipc] tcp_enabled = true (config.toml)"), overridden.describe());
  }

  @Test
  void containerDefaultsToUdsOnlyWithHooks() throws IOException {
    DaemonConfig config = load("", CONTAINER);
    assertFalse(config.tcpEnabled());
    assertTrue(config.hooksEnabled());
  }

  @Test
  void bareMetalTurnsTcpOffWhenAsked() throws IOException {
    assertFalse(load("[ipc]\ntcp_enabled = false\n").tcpEnabled());
  }

  // ---- secrets ----

  @Test
  void idOverrideIsMaskedInToStringAndDescribe() throws IOException {
    DaemonConfig config = load("[clone]\nid_override = \"secret-host-id-42\"\n");
    assertEquals(Optional.of("secret-host-id-42"), config.cloneIdOverride());
    assertFalse(config.toString().contains("secret-host-id-42"), config.toString());
    assertTrue(config.toString().contains("clone.id_override=***"), config.toString());
    assertFalse(config.describe().contains("secret-host-id-42"), config.describe());
    assertTrue(config.describe().contains("[clone] id_override = *** (config.toml)"), config.describe());
    assertTrue(TestLogs.all().stream().noneMatch(line -> line.contains("secret-host-id-42")));
  }

  @Test
  void effectiveConfigIsLoggedOnce() throws IOException {
    load("[ipc]\nhttp_port = 4711\n");
    assertFalse(TestLogs.matching("INFO", "[ipc] http_port = 4711 (config.toml)").isEmpty());
  }
}
