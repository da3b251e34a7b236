package dev.claudemesh.core.identity;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** BSD host facts: the {@code kern.hostuuid} sysctl. */
final class BsdHostProbe implements HostProbe {
  /** Absolute, because a daemon's PATH may lack {@code /sbin}. */
  static final List<String> SYSCTL_COMMAND = List.of("/sbin/sysctl", "-n", "kern.hostuuid");

  static final Duration SYSCTL_TIMEOUT = Duration.ofSeconds(2);

  private final SystemAccess access;

  BsdHostProbe(SystemAccess access) {
    this.access = Objects.requireNonNull(access, "access == null");
  }

  @Override
  public HostFacts probe() {
    return HostProbes.facts(
        access.run(SYSCTL_COMMAND, SYSCTL_TIMEOUT).flatMap(HostProbes::usableHostId), access);
  }
}
