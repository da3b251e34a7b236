package dev.claudemesh.core.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class NicTest {
  @Test
  void copiesTheMacInAndOut() {
    byte[] mac = {0x00, 0x1b, 0x21, 0x3a, 0x4f, (byte) 0xa0};
    Nic nic = new Nic("eth0", mac, false, Nic.Kind.PHYSICAL);
    mac[0] = 0x7f;
    nic.mac()[1] = 0x7f;
    assertArrayEquals(new byte[] {0x00, 0x1b, 0x21, 0x3a, 0x4f, (byte) 0xa0}, nic.mac());
  }

  @Test
  void formatsTheMacLowercaseColonSeparated() {
    Nic nic =
        new Nic(
            "en0",
            new byte[] {(byte) 0xAC, (byte) 0xDE, 0x48, 0x00, 0x11, 0x22},
            false,
            Nic.Kind.UNKNOWN);
    assertEquals(Optional.of("ac:de:48:00:11:22"), nic.formattedMac());
    assertEquals(
        "Nic{name=en0, mac=ac:de:48:00:11:22, loopback=false, kind=UNKNOWN}", nic.toString());
  }

  @Test
  void withoutAMac() {
    Nic nic = new Nic("lo", null, true, Nic.Kind.VIRTUAL);
    assertNull(nic.mac());
    assertEquals(Optional.empty(), nic.formattedMac());
    assertEquals("Nic{name=lo, mac=none, loopback=true, kind=VIRTUAL}", nic.toString());
  }

  @Test
  void equalityComparesMacContent() {
    assertEquals(FakeSystemAccess.physical("eth0", 1), FakeSystemAccess.physical("eth0", 1));
    assertEquals(
        FakeSystemAccess.physical("eth0", 1).hashCode(),
        FakeSystemAccess.physical("eth0", 1).hashCode());
    assertNotEquals(FakeSystemAccess.physical("eth0", 1), FakeSystemAccess.physical("eth0", 2));
    assertNotEquals(FakeSystemAccess.physical("eth0", 1), FakeSystemAccess.physical("eth1", 1));
  }

  @Test
  void rejectsNullName() {
    NullPointerException e =
        assertThrows(
            NullPointerException.class, () -> new Nic(null, null, false, Nic.Kind.UNKNOWN));
    assertEquals("name == null", e.getMessage());
  }
}
