package dev.claudemesh.core.identity;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Windows host facts: {@code MachineGuid} under {@code HKLM\SOFTWARE\Microsoft\Cryptography}. The
 * "first physical adapter" of SPEC §2.3 is the shared MAC rule, with adapters Windows describes as
 * virtual already marked by {@link SystemAccess#networkInterfaces()}.
 */
final class WindowsHostProbe implements HostProbe {
  static final List<String> REG_QUERY =
      List.of("reg", "query", "HKLM\\SOFTWARE\\Microsoft\\Cryptography", "/v", "MachineGuid");

  /**
   * MachineGuid exists only in the 64-bit registry view; a 32-bit JVM on 64-bit Windows is
   * redirected to WOW6432Node unless it asks for that view explicitly.
   */
  static final List<String> REG_QUERY_64_BIT_VIEW =
      List.of(
          "reg",
          "query",
          "HKLM\\SOFTWARE\\Microsoft\\Cryptography",
          "/v",
          "MachineGuid",
          "/reg:64");

  /** Longer than ioreg's: a cold reg.exe start under antivirus scanning can take seconds. */
  static final Duration REG_TIMEOUT = Duration.ofSeconds(5);

  private static final Pattern MACHINE_GUID =
      Pattern.compile(
          "^[ \\t]*MachineGuid[ \\t]+REG_SZ[ \\t]+([^\\r\\n]*)$",
          Pattern.MULTILINE | Pattern.CASE_INSENSITIVE);

  private final SystemAccess access;

  WindowsHostProbe(SystemAccess access) {
    this.access = Objects.requireNonNull(access, "access == null");
  }

  @Override
  public HostFacts probe() {
    return HostProbes.facts(hostId(), access);
  }

  private Optional<String> hostId() {
    for (List<String> command : List.of(REG_QUERY, REG_QUERY_64_BIT_VIEW)) {
      Optional<String> id =
          access.run(command, REG_TIMEOUT).flatMap(WindowsHostProbe::parseMachineGuid);
      if (id.isPresent()) {
        return id;
      }
    }
    return Optional.empty();
  }

  /** The REG_SZ value of the {@code MachineGuid} line of {@code reg query} output, if any. */
  static Optional<String> parseMachineGuid(String regOutput) {
    Matcher m = MACHINE_GUID.matcher(regOutput);
    return m.find() ? HostProbes.usableHostId(m.group(1)) : Optional.empty();
  }
}
