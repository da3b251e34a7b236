package dev.claudemesh.core.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HostProbesTest {
  static Stream<Arguments> osNames() {
    return Stream.of(
        Arguments.of("Linux", LinuxHostProbe.class),
        Arguments.of("Mac OS X", MacHostProbe.class),
        Arguments.of("macOS", MacHostProbe.class),
        Arguments.of("Darwin", MacHostProbe.class),
        Arguments.of("Windows 10", WindowsHostProbe.class),
        Arguments.of("Windows 11", WindowsHostProbe.class),
        Arguments.of("Windows Server 2022", WindowsHostProbe.class),
        Arguments.of("WINDOWS 11", WindowsHostProbe.class),
        Arguments.of("FreeBSD", BsdHostProbe.class),
        Arguments.of("OpenBSD", BsdHostProbe.class),
        Arguments.of("NetBSD", BsdHostProbe.class),
        Arguments.of("DragonFly", BsdHostProbe.class),
        Arguments.of("SunOS", LinuxHostProbe.class),
        Arguments.of("AIX", LinuxHostProbe.class),
        Arguments.of("", LinuxHostProbe.class));
  }

  @ParameterizedTest(name = "os.name \"{0}\"")
  @MethodSource("osNames")
  void picksTheProbeByOsName(String osName, Class<? extends HostProbe> expected) {
    assertInstanceOf(expected, HostProbes.forOs(osName, new FakeSystemAccess()));
  }

  @Test
  void anUnlistedOsUsesLinuxStyleFilesIfPresent() {
    FakeSystemAccess withFile = new FakeSystemAccess().file("/etc/machine-id", "abc\n");
    assertEquals(Optional.of("abc"), HostProbes.forOs("SunOS", withFile).probe().hostId());
    FakeSystemAccess without = new FakeSystemAccess();
    assertEquals(
        new HostFacts(Optional.empty(), Optional.empty()),
        HostProbes.forOs("SunOS", without).probe());
    assertEquals(0, without.commandsRun().size());
  }

  @Test
  void forCurrentOsProbesWithoutThrowing() {
    assertNotNull(HostProbes.forCurrentOs().probe());
  }

  @Test
  void usableHostIdTrimsAndRejectsPlaceholders() {
    assertEquals(Optional.of("id"), HostProbes.usableHostId(" id\r\n"));
    assertEquals(Optional.empty(), HostProbes.usableHostId(" \n"));
    assertEquals(Optional.empty(), HostProbes.usableHostId("uninitialized\n"));
  }
}
