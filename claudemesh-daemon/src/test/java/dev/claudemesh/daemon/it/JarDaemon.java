package dev.claudemesh.daemon.it;

import static org.junit.jupiter.api.Assertions.fail;

import dev.claudemesh.core.identity.DaemonPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The packaged {@code claudemesh.jar} as child processes: one-shot commands ({@link #run}) and a
 * foreground daemon ({@link #start}). Every child started here is remembered until it has exited,
 * so {@link #killAll()} in an {@code @AfterEach} leaves no process behind whatever a test did.
 */
final class JarDaemon implements AutoCloseable {
  static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  private final Process process;
  private final DaemonPaths paths;
  private final Path output;

  private JarDaemon(Process process, DaemonPaths paths, Path output) {
    this.process = process;
    this.paths = paths;
    this.output = output;
  }

  /** What a finished command printed and returned. */
  record Result(int exitCode, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
  }

  /** {@code target/claudemesh.jar}, as failsafe names it (or the module's target when run alone). */
  static Path jar() {
    Path jar = Path.of(System.getProperty("claudemesh.jar", "target/claudemesh.jar"));
    if (!Files.isRegularFile(jar)) {
      fail("no " + jar.toAbsolutePath() + "; the acceptance tests run after `package`");
    }
    return jar;
  }

  private static ProcessBuilder java(Map<String, String> env, List<String> args, boolean brief) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (brief) {
      // a command that runs for a second gains nothing from the optimizing compiler
      command.add("-XX:TieredStopAtLevel=1");
    }
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().clear();
    pb.environment().putAll(env);
    return pb;
  }

  /** Runs one command to its end (at most {@code timeout}) and returns what it printed. */
  static Result run(Map<String, String> env, Duration timeout, String... args)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("claudemesh-it-out", ".txt");
    Path err = Files.createTempFile("claudemesh-it-err", ".txt");
    try {
      Process p = java(env, List.of(args), true).redirectOutput(out.toFile())
          .redirectError(err.toFile()).start();
      LIVE.add(p);
      try {
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          fail("claudemesh " + String.join(" ", args) + " did not exit within "
              + timeout.toSeconds() + " s:\n" + Files.readString(out) + Files.readString(err));
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
      } finally {
        kill(p);
      }
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /**
   * {@code claudemesh daemon up --foreground --persistent --mesh <mesh>} as a child, returned once
   * {@code daemon.sock} answers {@code GET /v1/version}.
   */
  static JarDaemon start(Map<String, String> env, DaemonPaths paths, String mesh)
      throws IOException, InterruptedException {
    Path output = paths.home().resolve("daemon-" + mesh + "-" + System.nanoTime() + ".out");
    Process p = java(env, List.of("daemon", "up", "--foreground", "--persistent", "--mesh", mesh),
        false)
        .redirectErrorStream(true).redirectOutput(output.toFile()).start();
    LIVE.add(p);
    JarDaemon daemon = new JarDaemon(p, paths, output);
    daemon.awaitAnswering();
    return daemon;
  }

  private void awaitAnswering() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        fail("the daemon exited with " + process.exitValue() + " before answering:\n" + output());
      }
      if (Files.exists(paths.socket())) {
        try {
          if (SocketHttp.get(paths.socket(), "/v1/version").status() == 200) {
            return;
          }
        } catch (IOException notYet) {
          // bound but not serving yet, or a stale socket from a killed daemon
        }
      }
      Thread.sleep(50);
    }
    kill(process);
    fail("the daemon did not answer on " + paths.socket() + " within "
        + START_TIMEOUT.toSeconds() + " s:\n" + output());
  }

  long pid() {
    return process.pid();
  }

  Path socket() {
    return paths.socket();
  }

  DaemonPaths paths() {
    return paths;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** What the daemon printed so far (its own log goes nowhere: the jar has no SLF4J binding). */
  String output() {
    try {
      return Files.readString(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  /** SIGKILL, no shutdown hook runs; returns the exit code (137 on Linux). */
  int killHard() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
    LIVE.remove(process);
    return process.exitValue();
  }

  /** SIGTERM: the shutdown hook closes the daemon cleanly; returns the exit code. */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      kill(process);
      fail("the daemon did not stop within 30 s of SIGTERM:\n" + output());
    }
    LIVE.remove(process);
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    kill(process);
  }

  private static void kill(Process p) throws InterruptedException {
    p.destroyForcibly();
    p.waitFor(30, TimeUnit.SECONDS);
    LIVE.remove(p);
  }

  /** Kills every child still running (SIGKILL) and waits for each; returns how many there were. */
  static int killAll() throws InterruptedException {
    int killed = 0;
    for (Process p : List.copyOf(LIVE)) {
      if (p.isAlive()) {
        killed++;
      }
      kill(p);
    }
    return killed;
  }

  @Override
  public String toString() {
    return "JarDaemon{pid " + process.pid() + ", " + paths.dir() + "}";
  }
}
