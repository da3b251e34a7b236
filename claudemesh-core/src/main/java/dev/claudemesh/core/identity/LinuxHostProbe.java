package dev.claudemesh.core.identity;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Linux host facts: the systemd machine id, else the D-Bus one (older or systemd-less systems).
 * Also the fallback for operating systems SPEC §2.3 does not list.
 */
final class LinuxHostProbe implements HostProbe {
  static final List<Path> MACHINE_ID_FILES =
      List.of(Path.of("/etc/machine-id"), Path.of("/var/lib/dbus/machine-id"));

  private final SystemAccess access;

  LinuxHostProbe(SystemAccess access) {
    this.access = Objects.requireNonNull(access, "access == null");
  }

  @Override
  public HostFacts probe() {
    return HostProbes.facts(hostId(), access);
  }

  private Optional<String> hostId() {
    for (Path file : MACHINE_ID_FILES) {
      Optional<String> id = access.readFile(file).flatMap(HostProbes::usableHostId);
      if (id.isPresent()) {
        return id;
      }
    }
    return Optional.empty();
  }
}
