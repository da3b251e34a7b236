package dev.claudemesh.core.identity;

import static dev.claudemesh.core.identity.FakeSystemAccess.physical;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WindowsHostProbeTest {
  private static final String GUID = "9f2b7c1e-4d3a-4b8e-a1c2-3d4e5f60718a";
  private static final String REG_OUTPUT =
      "\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Cryptography\r\n"
          + "    MachineGuid    REG_SZ    "
          + GUID
          + "\r\n\r\n";

  private static HostFacts probe(FakeSystemAccess access) {
    return new WindowsHostProbe(access).probe();
  }

  static Stream<Arguments> regOutputs() {
    return Stream.of(
        Arguments.of("CRLF, as reg.exe writes", REG_OUTPUT, GUID),
        Arguments.of(
            "LF only",
            "\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Cryptography\n    MachineGuid    REG_SZ    "
                + GUID
                + "\n",
            GUID),
        Arguments.of("tabs", "\tMachineGuid\tREG_SZ\t" + GUID + "\t\r\n", GUID),
        Arguments.of("other case", "    MACHINEGUID    reg_sz    " + GUID + "\r\n", GUID),
        Arguments.of("no trailing newline", "    MachineGuid    REG_SZ    " + GUID, GUID),
        Arguments.of(
            "other values around it",
            "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Cryptography\r\n"
                + "    MachineGuidBackup    REG_SZ    not-this\r\n"
                + "    MachineGuid    REG_SZ    "
                + GUID
                + "\r\n",
            GUID),
        Arguments.of("empty value", "    MachineGuid    REG_SZ    \r\n", null),
        Arguments.of(
            "value on the next line is not taken",
            "    MachineGuid    REG_SZ\r\n    next\r\n",
            null),
        Arguments.of("other type", "    MachineGuid    REG_BINARY    00112233\r\n", null),
        Arguments.of(
            "error text",
            "ERROR: The system was unable to find the specified registry key or value.\r\n",
            null),
        Arguments.of("empty", "", null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("regOutputs")
  void parsesRegQueryOutput(String description, String output, String expected) {
    assertEquals(Optional.ofNullable(expected), WindowsHostProbe.parseMachineGuid(output));
  }

  @Test
  void usesTheDefaultViewFirst() {
    FakeSystemAccess access =
        new FakeSystemAccess()
            .output(WindowsHostProbe.REG_QUERY, REG_OUTPUT)
            .nic(physical("eth0", 0x01));
    assertEquals(new HostFacts(Optional.of(GUID), Optional.of("00:1b:21:3a:4f:01")), probe(access));
    assertEquals(
        List.of(
            List.of(
                "reg", "query", "HKLM\\SOFTWARE\\Microsoft\\Cryptography", "/v", "MachineGuid")),
        access.commandsRun());
    assertEquals(List.of(Duration.ofSeconds(5)), access.timeoutsUsed());
  }

  @Test
  void fallsBackToThe64BitViewForA32BitJvm() {
    FakeSystemAccess access =
        new FakeSystemAccess().output(WindowsHostProbe.REG_QUERY_64_BIT_VIEW, REG_OUTPUT);
    assertEquals(Optional.of(GUID), probe(access).hostId());
    assertEquals(
        List.of(WindowsHostProbe.REG_QUERY, WindowsHostProbe.REG_QUERY_64_BIT_VIEW),
        access.commandsRun());
  }

  @Test
  void unparsableOutputAlsoFallsThrough() {
    FakeSystemAccess access =
        new FakeSystemAccess()
            .output(WindowsHostProbe.REG_QUERY, "    MachineGuid    REG_SZ    \r\n")
            .output(WindowsHostProbe.REG_QUERY_64_BIT_VIEW, REG_OUTPUT);
    assertEquals(Optional.of(GUID), probe(access).hostId());
  }

  @Test
  void commandFailureOrTimeoutMeansNoHostId() {
    assertEquals(Optional.empty(), probe(new FakeSystemAccess()).hostId());
  }

  @Test
  void firstPhysicalAdapterSkipsAdaptersMarkedVirtual() {
    FakeSystemAccess access =
        new FakeSystemAccess()
            .output(WindowsHostProbe.REG_QUERY, REG_OUTPUT)
            // Hyper-V vEthernet: globally administered MAC, sorts first, marked virtual by Windows.
            .nic(
                new Nic(
                    "eth0",
                    new byte[] {0x00, 0x15, 0x5d, 0x01, 0x02, 0x03},
                    false,
                    Nic.Kind.VIRTUAL))
            .nic(
                new Nic(
                    "eth1",
                    new byte[] {0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x11},
                    false,
                    Nic.Kind.UNKNOWN))
            .nic(
                new Nic(
                    "wlan0",
                    new byte[] {0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x22},
                    false,
                    Nic.Kind.UNKNOWN));
    assertEquals(Optional.of("00:1b:21:3a:4f:11"), probe(access).stableMac());
  }
}
