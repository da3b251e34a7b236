package dev.claudemesh.core.identity;

import static dev.claudemesh.core.identity.FakeSystemAccess.physical;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LinuxHostProbeTest {
  private static final String ETC = "/etc/machine-id";
  private static final String DBUS = "/var/lib/dbus/machine-id";

  private static HostFacts probe(FakeSystemAccess access) {
    return new LinuxHostProbe(access).probe();
  }

  @Test
  void readsEtcMachineIdTrimmed() {
    FakeSystemAccess access =
        new FakeSystemAccess()
            .file(ETC, "5f0c2a9e7b1d4c3f8e6a0b9d2c4e6f81\n")
            .file(DBUS, "ffffffffffffffffffffffffffffffff\n");
    assertEquals(Optional.of("5f0c2a9e7b1d4c3f8e6a0b9d2c4e6f81"), probe(access).hostId());
  }

  @Test
  void fallsBackToDbusWhenEtcIsMissing() {
    FakeSystemAccess access =
        new FakeSystemAccess().file(DBUS, "  0123456789abcdef0123456789abcdef \r\n");
    assertEquals(Optional.of("0123456789abcdef0123456789abcdef"), probe(access).hostId());
  }

  @Test
  void skipsAnEmptyOrBlankEtcFile() {
    // Container images often ship an empty /etc/machine-id.
    for (String content : new String[] {"", "\n", "  \t\n"}) {
      FakeSystemAccess access = new FakeSystemAccess().file(ETC, content).file(DBUS, "dbus-id\n");
      assertEquals(Optional.of("dbus-id"), probe(access).hostId(), "content " + content.length());
    }
  }

  @Test
  void skipsTheSystemdFirstBootPlaceholder() {
    FakeSystemAccess access =
        new FakeSystemAccess().file(ETC, "uninitialized\n").file(DBUS, "dbus-id");
    assertEquals(Optional.of("dbus-id"), probe(access).hostId());
  }

  @Test
  void noFileMeansNoHostId() {
    assertEquals(Optional.empty(), probe(new FakeSystemAccess()).hostId());
    assertEquals(
        Optional.empty(), probe(new FakeSystemAccess().file(ETC, "").file(DBUS, "\n")).hostId());
  }

  @Test
  void runsNoCommands() {
    FakeSystemAccess access = new FakeSystemAccess().file(ETC, "id");
    probe(access);
    assertEquals(0, access.commandsRun().size());
  }

  @Test
  void selectsTheMacWithTheSharedRule() {
    FakeSystemAccess access =
        new FakeSystemAccess()
            .file(ETC, "id")
            .nic(physical("wlan0", 0x02))
            .nic(physical("eth0", 0x01))
            .nic(
                new Nic(
                    "docker0",
                    new byte[] {0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x00},
                    false,
                    Nic.Kind.VIRTUAL));
    assertEquals(new HostFacts(Optional.of("id"), Optional.of("00:1b:21:3a:4f:01")), probe(access));
  }

  @Test
  void onThisMachineReadsTheRealMachineId() throws Exception {
    Path etc = Path.of(ETC);
    assumeTrue(Files.isReadable(etc), "no readable " + ETC + " on this machine");
    String expected = Files.readString(etc, UTF_8).trim();
    assumeTrue(!expected.isEmpty() && !expected.equals("uninitialized"), ETC + " holds no id");

    HostFacts facts = new LinuxHostProbe(new RealSystemAccess()).probe();

    assertEquals(Optional.of(expected), facts.hostId());
    facts
        .stableMac()
        .ifPresent(mac -> assertEquals(true, mac.matches("([0-9a-f]{2}:){5}[0-9a-f]{2}"), mac));
  }
}
