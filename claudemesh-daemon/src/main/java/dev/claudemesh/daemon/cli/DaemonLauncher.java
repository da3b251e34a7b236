package dev.claudemesh.daemon.cli;

import dev.claudemesh.core.identity.DaemonPaths;
import dev.claudemesh.core.internal.SecureFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts {@code claudemesh daemon up --foreground} as a detached child process (its own session
 * through {@code setsid} where the host has it, so a terminal's Ctrl-C does not reach it) and
 * waits until it answers on its socket. The child's stdout and stderr go to {@code daemon.out}
 * (0600) in the daemon directory; the JSON log is {@code daemon.log}.
 */
final class DaemonLauncher {
  static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  static final String OUT_FILE = "daemon.out";

  private DaemonLauncher() {}

  /** What a start did: the child's pid once it answers, or why not. */
  record Started(long pid, boolean answered, int exitCode, String output) {}

  static Started start(Map<String, String> env, DaemonPaths paths, List<String> upFlags)
      throws IOException, InterruptedException {
    SecureFiles.createPrivateDirectories(paths.dir());
    Path out = paths.dir().resolve(OUT_FILE);
    Files.deleteIfExists(out);
    SecureFiles.createNew(out, new byte[0], SecureFiles.FILE_0600);

    List<String> command = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      command.add("/usr/bin/setsid");
    }
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.add("daemon");
    command.add("up");
    command.add("--foreground");
    command.add("--detached");
    command.addAll(upFlags);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().clear();
    builder.environment().putAll(env);
    builder.environment().put(DaemonPaths.ENV_DAEMON_DIR, paths.dir().toString());
    builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
    builder.redirectErrorStream(true);
    Process child = builder.start();

    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    try (DaemonClient client = DaemonClient.open(paths.socket())) {
      while (System.nanoTime() < deadline) {
        if (!child.isAlive()) {
          return new Started(child.pid(), false, child.exitValue(), tail(out));
        }
        if (Files.exists(paths.socket()) && client.answers()) {
          return new Started(child.pid(), true, 0, "");
        }
        Thread.sleep(100);
      }
    }
    return new Started(child.pid(), false, -1, tail(out));
  }

  /** The last lines of {@code file}, for a failed start. */
  static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "";
    }
  }
}
