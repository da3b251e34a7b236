package dev.claudemesh.conformance;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Opens the fixtures bundled with the runner, whether it runs from the jar or from a classes
 * directory.
 */
final class BundledFixtures implements AutoCloseable {
  static final String RESOURCE_ROOT = "dev/claudemesh/conformance/fixtures";

  private final Path root;
  private final @Nullable FileSystem jar;

  private BundledFixtures(Path root, @Nullable FileSystem jar) {
    this.root = root;
    this.jar = jar;
  }

  static BundledFixtures open() throws IOException {
    Path location;
    try {
      location = Path.of(BundledFixtures.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | SecurityException | NullPointerException e) {
      throw new IOException("cannot locate the runner's own jar to read its bundled fixtures", e);
    }
    if (Files.isDirectory(location)) {
      return new BundledFixtures(checked(location.resolve(RESOURCE_ROOT)), null);
    }
    FileSystem jar = FileSystems.newFileSystem(location, Map.of());
    try {
      return new BundledFixtures(checked(jar.getPath("/" + RESOURCE_ROOT)), jar);
    } catch (IOException e) {
      jar.close();
      throw e;
    }
  }

  Path root() {
    return root;
  }

  @Override
  public void close() throws IOException {
    if (jar != null) {
      jar.close();
    }
  }

  private static Path checked(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      throw new IOException("no bundled fixtures at " + root + "; was the runner built with them?");
    }
    return root;
  }
}
