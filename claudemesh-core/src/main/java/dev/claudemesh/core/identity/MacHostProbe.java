package dev.claudemesh.core.identity;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** macOS host facts: {@code IOPlatformUUID} from the I/O Registry. */
final class MacHostProbe implements HostProbe {
  /** Absolute, because a daemon started by launchd may have a PATH without {@code /usr/sbin}. */
  static final List<String> IOREG_COMMAND =
      List.of("/usr/sbin/ioreg", "-rd1", "-c", "IOPlatformExpertDevice");

  static final Duration IOREG_TIMEOUT = Duration.ofSeconds(2);

  private static final Pattern PLATFORM_UUID =
      Pattern.compile("\"IOPlatformUUID\"\\s*=\\s*\"([^\"\\r\\n]*)\"");

  private final SystemAccess access;

  MacHostProbe(SystemAccess access) {
    this.access = Objects.requireNonNull(access, "access == null");
  }

  @Override
  public HostFacts probe() {
    return HostProbes.facts(
        access.run(IOREG_COMMAND, IOREG_TIMEOUT).flatMap(MacHostProbe::parsePlatformUuid), access);
  }

  /** The value of the {@code "IOPlatformUUID" = "..."} line of ioreg output, if any. */
  static Optional<String> parsePlatformUuid(String ioregOutput) {
    Matcher m = PLATFORM_UUID.matcher(ioregOutput);
    return m.find() ? HostProbes.usableHostId(m.group(1)) : Optional.empty();
  }
}
