package dev.claudemesh.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.core.identity.DaemonPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeshLocatorTest {
  @TempDir Path home;

  private Map<String, String> env() {
    return Map.of(DaemonPaths.ENV_HOME, home.toString());
  }

  private void joined(String name) throws IOException {
    Path dir = Files.createDirectories(home.resolve("daemon").resolve(name));
    Files.writeString(dir.resolve("mesh.json"), "{}");
  }

  @Test
  void aMeshNameThatIsNoDaemonDirectoryListsTheJoinedOnes() throws IOException {
    joined("dev-alice");
    joined("dev-bob");
    MeshLocator.MeshNotFoundException e = assertThrows(MeshLocator.MeshNotFoundException.class,
        () -> MeshLocator.locate(env(), "dev"));
    assertTrue(e.getMessage().endsWith("the joined ones are: dev-alice, dev-bob"), e.getMessage());
    assertEquals(home.resolve("daemon").resolve("dev-bob"), MeshLocator.locate(env(), "dev-bob").dir());
  }

  @Test
  void withNothingJoinedItSaysHowToJoin() {
    MeshLocator.MeshNotFoundException e = assertThrows(MeshLocator.MeshNotFoundException.class,
        () -> MeshLocator.locate(env(), "dev"));
    assertTrue(e.getMessage().contains("claudemesh join"), e.getMessage());
  }
}
