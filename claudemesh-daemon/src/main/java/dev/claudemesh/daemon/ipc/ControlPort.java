package dev.claudemesh.daemon.ipc;

import java.io.IOException;
import java.util.List;

/**
 * The daemon's own control surface, used by the {@code claudemesh daemon} commands: reload the
 * config, rotate the local token, shut down. Served on the Unix socket only, under
 * {@code /v1/daemon/}; outside the frozen core of SPEC §3.3.
 */
public interface ControlPort {

  /** Re-reads {@code config.toml}; answers the keys applied and those that need a restart. */
  ReloadResult reload() throws IOException;

  /** Writes a new {@code local_token}; the old one stays valid for 60 s (SPEC §2.4). */
  void rotateToken() throws IOException;

  /** Starts an orderly shutdown; returns at once, the daemon exits shortly after answering. */
  void shutdown();

  /** What a reload did, by config key name ({@code [ipc] origin_allowlist} style). */
  record ReloadResult(List<String> applied, List<String> needRestart) {
    public ReloadResult {
      applied = List.copyOf(applied);
      needRestart = List.copyOf(needRestart);
    }
  }
}
