package dev.claudemesh.daemon.cli;

import dev.claudemesh.core.identity.DaemonPaths;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Which daemon directory a command means (SPEC §1): {@code CLAUDEMESH_DAEMON_DIR} when set; else
 * {@code --mesh NAME} as {@code $CLAUDEMESH_HOME/daemon/NAME}; else the one joined directory under
 * {@code $CLAUDEMESH_HOME/daemon/}. None, or several without {@code --mesh}, is exit code 2.
 * A directory counts as joined when it holds {@code mesh.json}.
 */
final class MeshLocator {
  private MeshLocator() {}

  /** Exit code 2 of SPEC §10.1: usage error or mesh not found. */
  static final class MeshNotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MeshNotFoundException(String message) {
      super(message);
    }
  }

  /** The joined daemon directory meant by {@code mesh} (may be null). */
  static DaemonPaths locate(Map<String, String> env, @Nullable String mesh) {
    DaemonPaths paths = directory(env, mesh);
    if (!Files.isRegularFile(paths.meshJson())) {
      List<String> joined = joined(env);
      throw new MeshNotFoundException("no mesh has been joined in " + paths.dir()
          + (joined.isEmpty() ? "; run `claudemesh join <broker-url> <invite>` or `claudemesh dev`"
              : "; --mesh names a daemon directory, and the joined ones are: "
                  + String.join(", ", joined)));
    }
    return paths;
  }

  /** The daemon directory meant by {@code mesh}, joined or not (for {@code join}). */
  static DaemonPaths directory(Map<String, String> env, @Nullable String mesh) {
    String override = env.get(DaemonPaths.ENV_DAEMON_DIR);
    if (override != null && !override.isBlank()) {
      return DaemonPaths.inDirectory(Path.of(override));
    }
    if (mesh != null) {
      try {
        return DaemonPaths.resolve(env, mesh);
      } catch (IllegalArgumentException e) {
        throw new MeshNotFoundException(e.getMessage());
      }
    }
    List<String> joined = joined(env);
    if (joined.isEmpty()) {
      throw new MeshNotFoundException("no mesh has been joined under "
          + DaemonPaths.home(env).resolve("daemon")
          + "; run `claudemesh join <broker-url> <invite>` or `claudemesh dev`");
    }
    if (joined.size() > 1) {
      throw new MeshNotFoundException("several meshes are joined (" + String.join(", ", joined)
          + "); choose one with --mesh");
    }
    return DaemonPaths.resolve(env, joined.get(0));
  }

  /** The names of the joined daemon directories, sorted. */
  static List<String> joined(Map<String, String> env) {
    Path root = DaemonPaths.home(env).resolve("daemon");
    List<String> names = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return names;
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
      for (Path dir : dirs) {
        String name = dir.getFileName().toString();
        if (!name.startsWith(".") && Files.isRegularFile(dir.resolve("mesh.json"))) {
          names.add(name);
        }
      }
    } catch (IOException e) {
      throw new MeshNotFoundException("cannot list " + root + ": " + e.getMessage());
    }
    names.sort(null);
    return names;
  }
}
