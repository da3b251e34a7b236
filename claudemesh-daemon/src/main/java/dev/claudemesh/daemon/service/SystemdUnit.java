package dev.claudemesh.daemon.service;

import java.util.List;

/**
 * Renders a systemd service unit (SPEC §10.2) and quotes values by systemd's rules
 * (systemd.syntax(7), systemd.service(5) "Command lines").
 */
final class SystemdUnit {
  /**
   * The memory ceiling. The daemon keeps SQLite pages, one WebSocket and the IPC server; 512 MiB
   * leaves room for bursts, and the JVM sizes its default heap from this cgroup limit (a quarter,
   * 128 MiB), so it does not get killed for a heap it was never going to need.
   */
  static final String MEMORY_MAX = "512M";

  private SystemdUnit() {}

  static String render(ServiceInstaller.Plan plan) {
    boolean system = plan.scope() == ServiceInstaller.Scope.SYSTEM;
    StringBuilder unit = new StringBuilder();
    unit.append("# Written by claudemesh daemon install-service; remove it with claudemesh daemon uninstall-service.\n");
    unit.append("[Unit]\n");
    unit.append("Description=claudemesh daemon (mesh ").append(plan.meshSlug()).append(")\n");
    if (system) {
      // The user manager has no network-online.target; a system unit waits for the network.
      unit.append("Wants=network-online.target\n");
      unit.append("After=network-online.target\n");
    }
    unit.append("StartLimitIntervalSec=5min\n");
    unit.append("StartLimitBurst=5\n");
    unit.append('\n');
    unit.append("[Service]\n");
    unit.append("Type=simple\n");
    unit.append("ExecStart=").append(commandLine(plan.command())).append('\n');
    plan.environment().forEach((name, value) ->
        unit.append("Environment=").append(quote(name + "=" + value, false)).append('\n'));
    if (system) {
      unit.append("User=").append(plan.userName()).append('\n');
    }
    unit.append("Restart=on-failure\n");
    unit.append("RestartSec=5s\n");
    unit.append("MemoryMax=").append(plan.memoryMax()).append('\n');
    unit.append("NoNewPrivileges=yes\n");
    unit.append("PrivateTmp=yes\n");
    unit.append("ProtectSystem=strict\n");
    for (String path : plan.writablePaths()) {
      unit.append("ReadWritePaths=").append(quote(path, false)).append('\n');
    }
    unit.append('\n');
    unit.append("[Install]\n");
    unit.append("WantedBy=").append(system ? "multi-user.target" : "default.target").append('\n');
    return unit.toString();
  }

  /** Every argument quoted, so spaces, quotes, backslashes, {@code %} and {@code $} stay literal. */
  static String commandLine(List<String> argv) {
    StringBuilder line = new StringBuilder();
    for (String arg : argv) {
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(quote(arg, true));
    }
    return line.toString();
  }

  /**
   * One double-quoted word: {@code \} and {@code "} backslash-escaped, {@code %} doubled (specifier
   * expansion) and, on command lines, {@code $} doubled (variable expansion).
   *
   * @throws IllegalArgumentException for control characters, which a unit file cannot carry safely
   */
  static String quote(String value, boolean commandLine) {
    StringBuilder out = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new IllegalArgumentException(
            "cannot write a control character (U+" + String.format(java.util.Locale.ROOT, "%04X", (int) c) + ") into a systemd unit: "
                + value.replaceAll("\\p{Cntrl}", "?"));
      }
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '%' -> out.append("%%");
        case '$' -> out.append(commandLine ? "$$" : "$");
        default -> out.append(c);
      }
    }
    return out.append('"').toString();
  }
}
