package dev.claudemesh.core.identity;

import static dev.claudemesh.core.identity.FakeSystemAccess.physical;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.claudemesh.core.identity.StableMacSelector.Exclusion;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class StableMacSelectorTest {
  private static final byte[] GOOD_MAC = {0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x50};

  private static Nic named(String name) {
    return new Nic(name, GOOD_MAC, false, Nic.Kind.UNKNOWN);
  }

  private static Nic withMac(byte[] mac) {
    return new Nic("eth0", mac, false, Nic.Kind.UNKNOWN);
  }

  @ParameterizedTest(name = "{0} is excluded by name")
  @ValueSource(
      strings = {
        // tunnels
        "tailscale0",
        "wg0",
        "wg-mesh",
        "utun3",
        "ppp0",
        "tun0",
        "tap0",
        // container and VM bridges
        "docker0",
        "docker_gwbridge",
        "br-1a2b3c4d5e6f",
        "veth1234abc",
        "vboxnet0",
        "vmnet8",
        "bridge0",
        "bridge100",
        // Apple
        "awdl0",
        "llw0",
        "anpi0",
        "anpi1",
        "ap1",
        // matched case-insensitively
        "Docker0",
        "TAP1",
        "WG0"
      })
  void excludesEveryNamePrefixOfTheSpec(String name) {
    assertEquals(Exclusion.EXCLUDED_NAME, StableMacSelector.exclusion(named(name)));
    assertEquals(Optional.empty(), StableMacSelector.select(List.of(named(name))));
  }

  @ParameterizedTest(name = "{0} is eligible")
  @ValueSource(strings = {"eth0", "en0", "enp3s0", "wlan0", "wlp2s0", "em0", "igb0", "net0", "br0"})
  void keepsOrdinaryNames(String name) {
    assertNull(StableMacSelector.exclusion(named(name)));
    assertEquals(Optional.of("00:1b:21:3a:4f:50"), StableMacSelector.select(List.of(named(name))));
  }

  static Stream<Arguments> macRules() {
    return Stream.of(
        Arguments.of("missing", null, Exclusion.NO_MAC),
        Arguments.of("empty", new byte[0], Exclusion.NOT_SIX_BYTES),
        Arguments.of(
            "five bytes", new byte[] {0x00, 0x1b, 0x21, 0x3a, 0x4f}, Exclusion.NOT_SIX_BYTES),
        Arguments.of(
            "eight bytes (EUI-64)",
            new byte[] {0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x50, 0x60, 0x70},
            Exclusion.NOT_SIX_BYTES),
        Arguments.of("all zero", new byte[6], Exclusion.ALL_ZERO),
        Arguments.of(
            "docker 02:42",
            new byte[] {0x02, 0x42, (byte) 0xac, 0x11, 0x00, 0x02},
            Exclusion.LOCALLY_ADMINISTERED),
        Arguments.of(
            "randomised Wi-Fi 0x0e... (bit 0x02 among others)",
            new byte[] {0x0e, 0x11, 0x22, 0x33, 0x44, 0x55},
            Exclusion.LOCALLY_ADMINISTERED),
        Arguments.of(
            "broadcast", new byte[] {-1, -1, -1, -1, -1, -1}, Exclusion.LOCALLY_ADMINISTERED),
        Arguments.of("0x01 set, 0x02 clear", new byte[] {0x01, 0x11, 0x22, 0x33, 0x44, 0x55}, null),
        Arguments.of(
            "0xfd (only 0x02 clear)", new byte[] {(byte) 0xfd, 0x11, 0x22, 0x33, 0x44, 0x55}, null),
        Arguments.of("globally administered", GOOD_MAC, null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("macRules")
  void appliesTheMacRules(String description, byte[] mac, Exclusion expected) {
    assertEquals(expected, StableMacSelector.exclusion(withMac(mac)));
  }

  @Test
  void excludesLoopbackWhateverItsNameAndMac() {
    Nic loopback = new Nic("eth9", GOOD_MAC, true, Nic.Kind.PHYSICAL);
    assertEquals(Exclusion.LOOPBACK, StableMacSelector.exclusion(loopback));
    assertEquals(Optional.empty(), StableMacSelector.select(List.of(loopback)));
  }

  @Test
  void excludesWhatThePlatformMarksVirtual() {
    // Hyper-V's default switch adapter: a globally administered MAC, so only the platform knows.
    Nic hyperV =
        new Nic("eth2", new byte[] {0x00, 0x15, 0x5d, 0x01, 0x02, 0x03}, false, Nic.Kind.VIRTUAL);
    assertEquals(Exclusion.PLATFORM_VIRTUAL, StableMacSelector.exclusion(hyperV));
  }

  @Test
  void keepsPhysicalAndUnknownKinds() {
    assertNull(StableMacSelector.exclusion(physical("eth0", 1)));
    assertNull(StableMacSelector.exclusion(named("en0")));
  }

  @Test
  void picksTheFirstEligibleByPlainStringOrder() {
    List<Nic> nics =
        List.of(
            physical("wlan0", 0x03),
            physical("eth1", 0x02),
            physical("en2", 0x05),
            physical("en10", 0x04),
            new Nic("docker0", GOOD_MAC, false, Nic.Kind.UNKNOWN),
            new Nic("eth0", new byte[] {0x02, 0, 0, 0, 0, 1}, false, Nic.Kind.PHYSICAL),
            new Nic("lo", null, true, Nic.Kind.VIRTUAL));
    // "en10" < "en2" in String order; "docker0" would sort first but is excluded.
    assertEquals(Optional.of("00:1b:21:3a:4f:04"), StableMacSelector.select(nics));
  }

  @Test
  void upperCaseSortsBeforeLowerCase() {
    List<Nic> nics = List.of(physical("eth0", 0x01), physical("Ethernet", 0x02));
    assertEquals(Optional.of("00:1b:21:3a:4f:02"), StableMacSelector.select(nics));
  }

  @Test
  void orderOfInputDoesNotMatter() {
    List<Nic> nics = List.of(physical("eth1", 0x01), physical("eth0", 0x00));
    assertEquals(Optional.of("00:1b:21:3a:4f:00"), StableMacSelector.select(nics));
    assertEquals(
        Optional.of("00:1b:21:3a:4f:00"),
        StableMacSelector.select(List.of(nics.get(1), nics.get(0))));
  }

  @Test
  void nothingEligibleMeansNoMac() {
    assertEquals(Optional.empty(), StableMacSelector.select(List.of()));
    assertEquals(
        Optional.empty(),
        StableMacSelector.select(
            List.of(new Nic("lo", null, true, Nic.Kind.VIRTUAL), named("utun0"))));
  }

  @Test
  void formatsHighBytesLowercase() {
    Nic nic =
        new Nic(
            "en0",
            new byte[] {
              (byte) 0xac, (byte) 0xbc, (byte) 0xde, (byte) 0xef, (byte) 0xf0, (byte) 0xff
            },
            false,
            Nic.Kind.UNKNOWN);
    assertEquals(Optional.of("ac:bc:de:ef:f0:ff"), StableMacSelector.select(List.of(nic)));
  }
}
