package dev.claudemesh.core.identity;

import static dev.claudemesh.core.identity.FakeSystemAccess.physical;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BsdHostProbeTest {
  private static HostFacts probe(FakeSystemAccess access) {
    return new BsdHostProbe(access).probe();
  }

  @Test
  void readsKernHostuuidTrimmed() {
    FakeSystemAccess access =
        new FakeSystemAccess()
            .output(BsdHostProbe.SYSCTL_COMMAND, "6a7c1f2e-0b3d-11ef-9a4b-0800272f8e51\n")
            .nic(physical("em0", 0x07))
            .nic(physical("bridge0", 0x01));
    assertEquals(
        new HostFacts(
            Optional.of("6a7c1f2e-0b3d-11ef-9a4b-0800272f8e51"), Optional.of("00:1b:21:3a:4f:07")),
        probe(access));
    assertEquals(List.of(List.of("/sbin/sysctl", "-n", "kern.hostuuid")), access.commandsRun());
    assertEquals(List.of(Duration.ofSeconds(2)), access.timeoutsUsed());
  }

  @Test
  void emptyOutputMeansNoHostId() {
    assertEquals(
        Optional.empty(),
        probe(new FakeSystemAccess().output(BsdHostProbe.SYSCTL_COMMAND, "\n")).hostId());
  }

  @Test
  void commandFailureOrTimeoutMeansNoHostId() {
    assertEquals(Optional.empty(), probe(new FakeSystemAccess()).hostId());
  }
}
