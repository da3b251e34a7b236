package dev.claudemesh.core.identity;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/** Chooses the {@link HostProbe} for an operating system, and holds the rules the probes share. */
final class HostProbes {
  /** What systemd writes to {@code /etc/machine-id} in images meant to get an id on first boot. */
  private static final String UNINITIALIZED_MACHINE_ID = "uninitialized";

  private HostProbes() {}

  /** The probe for the running JVM's {@code os.name}, reading the real system. */
  static HostProbe forCurrentOs() {
    return forOs(System.getProperty("os.name", ""), new RealSystemAccess());
  }

  /**
   * The probe for {@code osName} as the JVM reports it ({@code Linux}, {@code Mac OS X}, {@code
   * Windows 11}, {@code FreeBSD}, ...). An OS not listed in SPEC §2.3 gets the Linux probe, which
   * reads the machine-id files if the OS has them and otherwise finds no host id.
   */
  static HostProbe forOs(String osName, SystemAccess access) {
    Objects.requireNonNull(osName, "osName == null");
    Objects.requireNonNull(access, "access == null");
    String os = osName.toLowerCase(Locale.ROOT);
    if (os.startsWith("windows")) {
      return new WindowsHostProbe(access);
    }
    if (os.startsWith("mac") || os.startsWith("darwin")) {
      return new MacHostProbe(access);
    }
    if (os.startsWith("freebsd")
        || os.startsWith("openbsd")
        || os.startsWith("netbsd")
        || os.startsWith("dragonfly")) {
      return new BsdHostProbe(access);
    }
    return new LinuxHostProbe(access);
  }

  /** The raw id trimmed, or empty when nothing usable is left. */
  static Optional<String> usableHostId(String raw) {
    String id = raw.trim();
    return id.isEmpty() || id.equals(UNINITIALIZED_MACHINE_ID) ? Optional.empty() : Optional.of(id);
  }

  /** The facts for a host id found by an OS-specific source and the shared MAC rule. */
  static HostFacts facts(Optional<String> hostId, SystemAccess access) {
    return new HostFacts(hostId, StableMacSelector.select(access.networkInterfaces()));
  }
}
