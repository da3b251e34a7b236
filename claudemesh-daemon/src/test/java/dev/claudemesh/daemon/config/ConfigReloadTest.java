package dev.claudemesh.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.core.identity.DaemonPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigReloadTest {
  @TempDir Path dir;

  DaemonConfig start(String toml) throws IOException {
    DaemonPaths paths = DaemonPaths.inDirectory(dir);
    Files.writeString(paths.configToml(), toml);
    return DaemonConfig.load(paths, DaemonConfigTest.BARE_METAL);
  }

  void edit(String toml) throws IOException {
    Files.writeString(dir.resolve("config.toml"), toml);
  }

  @Test
  void liveKeysApplyAndTheOthersWaitForARestart() throws IOException {
    DaemonConfig running = start("[ipc]\nhttp_port = 4711\n[inbox]\nretention_days = 30\n");
    edit("[ipc]\nhttp_port = 4712\npublic_health_check = true\norigin_allowlist = [\"https://a.example\"]\n"
        + "[inbox]\nretention_days = 7\n[hooks]\nenabled = false\n[outbox]\nmax_bytes = 2_000_000\n"
        + "[features]\noptional = []\n");

    DaemonConfig.Reload reload = running.reload();

    assertEquals(List.of(ConfigKey.IPC_PUBLIC_HEALTH_CHECK, ConfigKey.IPC_ORIGIN_ALLOWLIST,
        ConfigKey.OUTBOX_MAX_BYTES, ConfigKey.INBOX_RETENTION_DAYS, ConfigKey.HOOKS_ENABLED), reload.applied());
    assertEquals(List.of(ConfigKey.IPC_HTTP_PORT, ConfigKey.FEATURES_OPTIONAL), reload.needRestart());
    DaemonConfig now = reload.config();
    assertEquals(4711, now.httpPort(), "a restart key keeps its running value");
    assertEquals(List.of("member_keypair_rotated_event", "key_epoch", "max_payload"), now.optionalFeatures());
    assertTrue(now.publicHealthCheck());
    assertEquals(List.of("https://a.example"), now.originAllowlist());
    assertEquals(Duration.ofDays(7), now.inboxRetention());
    assertFalse(now.hooksEnabled());
    assertEquals(2_000_000L, now.outboxMaxBytes());
    assertTrue(now.describe().contains("[ipc] http_port = 4711 (config.toml)"), now.describe());
    assertFalse(TestLogs.matching("WARN", "[[ipc] http_port, [features] optional] changed but keep their running "
        + "value until a restart").isEmpty());
    assertEquals(4711, running.httpPort(), "the old config is not touched");
  }

  @Test
  void removingALiveKeyRestoresItsDefault() throws IOException {
    DaemonConfig running = start("[ipc]\npublic_health_check = true\n");
    edit("");
    DaemonConfig.Reload reload = running.reload();
    assertEquals(List.of(ConfigKey.IPC_PUBLIC_HEALTH_CHECK), reload.applied());
    assertFalse(reload.config().publicHealthCheck());
    assertFalse(reload.config().isExplicit(ConfigKey.IPC_PUBLIC_HEALTH_CHECK));
  }

  @Test
  void anUnchangedFileChangesNothing() throws IOException {
    DaemonConfig running = start("[ipc]\nhttp_port = 4711\n");
    DaemonConfig.Reload reload = running.reload();
    assertEquals(List.of(), reload.changed());
    assertEquals(running.describe(), reload.config().describe());
  }

  @Test
  void anInvalidFileIsRefusedAndTheRunningConfigStays() throws IOException {
    DaemonConfig running = start("[inbox]\nretention_days = 30\n");
    edit("[inbox]\nretention_days = 0\n");
    ConfigException e = assertThrows(ConfigException.class, running::reload);
    assertEquals("[inbox] retention_days", e.key());
    assertEquals(Duration.ofDays(30), running.inboxRetention());
  }

  @Test
  void everyKeyIsClassified() {
    List<ConfigKey> live = List.of(ConfigKey.IPC_PUBLIC_HEALTH_CHECK, ConfigKey.IPC_ORIGIN_ALLOWLIST,
        ConfigKey.OUTBOX_MAX_BYTES, ConfigKey.INBOX_RETENTION_DAYS, ConfigKey.CRYPTO_KEY_GRACE_PERIOD_DAYS,
        ConfigKey.HOOKS_ENABLED);
    for (ConfigKey key : ConfigKey.values()) {
      assertEquals(live.contains(key), key.reloadable(), key.toString());
    }
  }
}
