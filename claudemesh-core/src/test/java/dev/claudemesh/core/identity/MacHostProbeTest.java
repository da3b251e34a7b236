package dev.claudemesh.core.identity;

import static dev.claudemesh.core.identity.FakeSystemAccess.physical;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MacHostProbeTest {
  private static final String IOREG_OUTPUT =
      "+-o J316sAP  <class IOPlatformExpertDevice, id 0x100000218, registered, matched, active,"
          + " busy 0 (1113 ms), retain 41>\n"
          + "  {\n"
          + "    \"IOPolledInterface\" = \"AppleARMWatchdogTimerHibernateHandler is not"
          + " serializable\"\n"
          + "    \"#address-cells\" = <02000000>\n"
          + "    \"IOPlatformSerialNumber\" = \"C02XXXXXXXXX\"\n"
          + "    \"IOPlatformUUID\" = \"0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9\"\n"
          + "    \"model\" = <\"MacBookPro18,1\">\n"
          + "  }\n";

  private static HostFacts probe(FakeSystemAccess access) {
    return new MacHostProbe(access).probe();
  }

  @Test
  void parsesIoPlatformUuidFromIoreg() {
    FakeSystemAccess access =
        new FakeSystemAccess()
            .output(MacHostProbe.IOREG_COMMAND, IOREG_OUTPUT)
            .nic(physical("en0", 0x0a));
    assertEquals(
        new HostFacts(
            Optional.of("0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9"), Optional.of("00:1b:21:3a:4f:0a")),
        probe(access));
  }

  @Test
  void runsIoregWithATwoSecondTimeout() {
    FakeSystemAccess access = new FakeSystemAccess();
    probe(access);
    assertEquals(
        List.of(List.of("/usr/sbin/ioreg", "-rd1", "-c", "IOPlatformExpertDevice")),
        access.commandsRun());
    assertEquals(List.of(Duration.ofSeconds(2)), access.timeoutsUsed());
  }

  @Test
  void commandFailureOrTimeoutMeansNoHostId() {
    // The fake answers every command without canned output as the real one does on failure.
    FakeSystemAccess access = new FakeSystemAccess().nic(physical("en0", 0x0a));
    assertEquals(new HostFacts(Optional.empty(), Optional.of("00:1b:21:3a:4f:0a")), probe(access));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "+-o Root  <class IORegistryEntry>\n  {\n    \"IOPlatformSerialNumber\" = \"C02X\"\n  }\n",
        "    \"IOPlatformUUID\" = \"\"\n",
        "    \"IOPlatformUUID\" = \"   \"\n",
        "    \"IOPlatformUUID\" = <00112233>\n",
        "    \"IOPlatformUUIDx\" = \"0A1B\"\n"
      })
  void outputWithoutAUsableKeyMeansNoHostId(String output) {
    assertEquals(Optional.empty(), MacHostProbe.parsePlatformUuid(output));
    FakeSystemAccess access = new FakeSystemAccess().output(MacHostProbe.IOREG_COMMAND, output);
    assertEquals(Optional.empty(), probe(access).hostId());
  }

  @Test
  void toleratesSpacingAndCrlf() {
    assertEquals(
        Optional.of("0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9"),
        MacHostProbe.parsePlatformUuid(
            "\"IOPlatformUUID\"=\"0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9\"\r\n"));
  }
}
