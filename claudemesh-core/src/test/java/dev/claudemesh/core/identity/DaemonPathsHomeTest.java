package dev.claudemesh.core.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where {@code ~/.claudemesh} is: as a shell would expand {@code ~}. */
class DaemonPathsHomeTest {
  @Test
  void claudemeshHomeWinsThenHomeThenTheAccountsHome() {
    assertEquals(Path.of("/srv/cm"),
        DaemonPaths.home(Map.of("CLAUDEMESH_HOME", "/srv/cm", "HOME", "/home/x")));
    assertEquals(Path.of("/home/x/.claudemesh"), DaemonPaths.home(Map.of("HOME", "/home/x")));
    assertEquals(Path.of(System.getProperty("user.home"), ".claudemesh"),
        DaemonPaths.home(Map.of("HOME", "relative")));
    assertEquals(Path.of(System.getProperty("user.home"), ".claudemesh"), DaemonPaths.home(Map.of()));
  }
}
