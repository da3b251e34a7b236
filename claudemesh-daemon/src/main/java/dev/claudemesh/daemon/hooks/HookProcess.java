package dev.claudemesh.daemon.hooks;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * Runs one hook executable (SPEC §9) and always cleans up after it.
 *
 * <p>The child gets exactly the environment it is given (nothing is inherited; the caller passes
 * {@code PATH} itself), the event bytes on stdin, and runs in a session and process group of its
 * own ({@code setsid}), optionally in a network namespace of its own ({@link NetworkIsolation}).
 * Standard output and error are read concurrently, the first {@link Limits#outputLimit()} bytes of
 * each kept and the rest counted and discarded, so the child never blocks on a full pipe.
 *
 * <p>On timeout (measured from start) the process group, or only the main process when {@link
 * Limits#killProcessGroup()} is false, gets {@code SIGTERM}, and {@code SIGKILL} if the main
 * process is still there after {@link Limits#killGrace()}. Whatever is left in the group once the
 * main process has ended, normally or not, is always cleaned up the same way ({@code SIGTERM},
 * grace, {@code SIGKILL}); {@code killProcessGroup} only chooses where the timeout signals go
 * first. A run whose group is empty when the main process ends does not wait at all.
 *
 * <p>Where {@code setsid} or libc is missing (macOS), the hook runs in the daemon's group and the
 * cleanup falls back to the descendants the daemon saw while the hook ran. A process that leaves
 * the group by itself ({@code setsid}, {@code setpgid}) is out of reach; if it keeps the output
 * pipes open, {@code run} stops reading after two seconds and returns what it has.
 */
public final class HookProcess {
  private static final Duration READER_WAIT = Duration.ofSeconds(2);
  private static final Duration GROUP_SETTLE = Duration.ofSeconds(1);
  private static final Duration AFTER_KILL_WAIT = Duration.ofSeconds(10);
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private static final long DESCENDANT_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final int READ_CHUNK = 8192;

  private static final ExecutorService IO = Executors.newCachedThreadPool(new IoThreads());

  private HookProcess() {}

  /**
   * How long a hook may run and how much output is kept (SPEC §9 {@code timeout}, {@code
   * killpg_on_timeout}, {@code output_size_limit}).
   *
   * @param timeout time from start after which the hook is stopped; positive
   * @param killGrace time between {@code SIGTERM} and {@code SIGKILL}; not negative
   * @param outputLimit bytes kept of stdout and, separately, of stderr; not negative
   * @param killProcessGroup whether the timeout signals go to the whole process group (true) or to
   *     the main process only (false); leftovers are cleaned up either way
   */
  public record Limits(
      Duration timeout, Duration killGrace, int outputLimit, boolean killProcessGroup) {
    /** The grace between {@code SIGTERM} and {@code SIGKILL} that SPEC §9 names: 5 s. */
    public static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(5);

    /** Checks the values. */
    public Limits {
      Objects.requireNonNull(timeout, "timeout");
      Objects.requireNonNull(killGrace, "killGrace");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive: " + timeout);
      }
      if (killGrace.isNegative()) {
        throw new IllegalArgumentException("killGrace must not be negative: " + killGrace);
      }
      if (outputLimit < 0) {
        throw new IllegalArgumentException("outputLimit must not be negative: " + outputLimit);
      }
    }
  }

  /**
   * What a hook run did.
   *
   * @param exitCode the main process's exit value (128 + signal number when a signal ended it, as
   *     Java reports it on Linux); -1 if it could not be stopped at all
   * @param timedOut whether the timeout was reached (or the calling thread was interrupted)
   * @param killed whether the main process needed {@code SIGKILL}
   * @param duration from start until the main process ended
   * @param stdout the first {@code outputLimit} bytes of standard output
   * @param stderr the first {@code outputLimit} bytes of standard error
   * @param stdoutBytes all bytes the hook wrote to standard output, kept or not
   * @param stderrBytes all bytes the hook wrote to standard error, kept or not
   * @param networkIsolated whether the hook ran in a network namespace of its own
   * @param leftoversKilled processes still in the hook's group after the main process ended, that
   *     were signalled (a {@code /proc} count on Linux; 1 where members can only be detected)
   */
  public record Result(
      int exitCode,
      boolean timedOut,
      boolean killed,
      Duration duration,
      byte[] stdout,
      byte[] stderr,
      long stdoutBytes,
      long stderrBytes,
      boolean networkIsolated,
      int leftoversKilled) {
    /** Checks for nulls. */
    public Result {
      Objects.requireNonNull(duration, "duration");
      Objects.requireNonNull(stdout, "stdout");
      Objects.requireNonNull(stderr, "stderr");
    }

    /** The fields without the output bytes. */
    @Override
    public String toString() {
      return "Result[exitCode="
          + exitCode
          + ", timedOut="
          + timedOut
          + ", killed="
          + killed
          + ", duration="
          + duration
          + ", stdoutBytes="
          + stdoutBytes
          + ", stderrBytes="
          + stderrBytes
          + ", networkIsolated="
          + networkIsolated
          + ", leftoversKilled="
          + leftoversKilled
          + "]";
    }
  }

  /**
   * Runs {@code executable} in {@code workDir} with exactly {@code env}, {@code stdin} as its
   * standard input, within {@code limits}; in a network namespace of its own when {@code
   * isolateNetwork} is set and {@code isolation} is available. Returns when the hook and everything
   * left in its process group have ended.
   *
   * @throws IOException only when the hook cannot be started (missing, not a regular file, not
   *     executable); the message names the file
   */
  public static Result run(
      Path executable,
      Path workDir,
      Map<String, String> env,
      byte[] stdin,
      Limits limits,
      boolean isolateNetwork,
      NetworkIsolation isolation)
      throws IOException {
    Objects.requireNonNull(executable, "executable");
    Objects.requireNonNull(workDir, "workDir");
    Objects.requireNonNull(env, "env");
    Objects.requireNonNull(stdin, "stdin");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(isolation, "isolation");
    if (!Files.isRegularFile(executable)) {
      throw new IOException("hook " + executable + " is not a regular file");
    }
    if (!Files.isExecutable(executable)) {
      throw new IOException("hook " + executable + " is not executable");
    }

    List<String> command = new ArrayList<>();
    @Nullable Path setsid = PosixProcesses.available() ? setsid() : null;
    if (setsid != null) {
      command.add(setsid.toString());
    }
    boolean isolated = isolateNetwork && isolation.available();
    if (isolated) {
      command.addAll(isolation.commandPrefix());
    }
    command.add(executable.toAbsolutePath().toString());

    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    builder.environment().clear();
    builder.environment().putAll(env);

    long start = System.nanoTime();
    Process process;
    try {
      process = builder.start();
    } catch (IOException | RuntimeException e) {
      throw new IOException("cannot start hook " + executable + ": " + e.getMessage(), e);
    }
    return new Run(process, start, setsid != null, limits, isolated).finish(stdin);
  }

  private static @Nullable Path setsid() {
    for (String candidate : List.of("/usr/bin/setsid", "/bin/setsid")) {
      Path path = Path.of(candidate);
      if (Files.isExecutable(path)) {
        return path;
      }
    }
    return null;
  }

  /** One run's state, from start to cleanup. */
  private static final class Run {
    private final Process process;
    private final long start;
    private final Limits limits;
    private final boolean isolated;
    private final int pgid;
    private final Set<ProcessHandle> seenDescendants = new LinkedHashSet<>();
    private boolean interrupted;

    Run(Process process, long start, boolean ownSession, Limits limits, boolean isolated) {
      this.process = process;
      this.start = start;
      this.limits = limits;
      this.isolated = isolated;
      this.pgid = ownSession ? awaitOwnGroup(process) : -1;
    }

    Result finish(byte[] stdin) {
      Future<?> writer = writeStdin(stdin);
      Capture out = new Capture(limits.outputLimit());
      Capture err = new Capture(limits.outputLimit());
      Future<?> outReader = IO.submit(() -> out.drain(process.getInputStream()));
      Future<?> errReader = IO.submit(() -> err.drain(process.getErrorStream()));

      boolean timedOut = !awaitMain(limits.timeout());
      boolean killed = false;
      if (timedOut) {
        Duration grace = interrupted ? Duration.ZERO : limits.killGrace();
        signalOnTimeout(false);
        if (!awaitQuietly(grace)) {
          signalOnTimeout(true);
          killed = true;
          awaitQuietly(AFTER_KILL_WAIT);
        }
      }
      Duration duration = Duration.ofNanos(System.nanoTime() - start);
      int exitCode = process.isAlive() ? -1 : process.exitValue();

      int leftovers = pgid > 0 ? cleanGroup() : cleanSeenDescendants();

      joinOrAbandon(
          List.of(outReader, errReader), process.getInputStream(), process.getErrorStream());
      if (!writer.isDone()) {
        writer.cancel(true);
        closeQuietly(process.getOutputStream());
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      return new Result(
          exitCode,
          timedOut,
          killed,
          duration,
          out.kept(),
          err.kept(),
          out.total(),
          err.total(),
          isolated,
          leftovers);
    }

    /**
     * The group to signal: the pid, once {@code setsid} has made it a session leader. {@code
     * setsid} execs in place (a child of the JVM is not a group leader), so the pid stays; the
     * group change itself can lag the start by a moment. -1 if it never shows, so that the
     * daemon's own group is never signalled.
     */
    private static int awaitOwnGroup(Process process) {
      int pid = (int) process.pid();
      int own = PosixProcesses.getpgid(0);
      long deadline = System.nanoTime() + GROUP_SETTLE.toNanos();
      while (true) {
        int group = PosixProcesses.getpgid(pid);
        if (group == pid && group != own) {
          return pid;
        }
        if (!process.isAlive()) {
          // Ended (and reaped) before the check: setsid runs before the hook, so a group named
          // after the pid exists now only if the hook left members in it.
          return pid != own ? pid : -1;
        }
        if (System.nanoTime() - deadline > 0) {
          return -1;
        }
        LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
      }
    }

    private Future<?> writeStdin(byte[] stdin) {
      OutputStream in = process.getOutputStream();
      if (stdin.length == 0) {
        closeQuietly(in);
        return CompletableFuture.completedFuture(null);
      }
      return IO.submit(
          () -> {
            try (in) {
              in.write(stdin);
            } catch (IOException hookClosedItsStdin) {
              // the hook need not read its event
            }
          });
    }

    /** Waits for the main process until {@code timeout} after start; false if it still runs. */
    private boolean awaitMain(Duration timeout) {
      long deadline = start + timeout.toNanos();
      try {
        while (true) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return !process.isAlive();
          }
          if (pgid > 0) {
            return process.waitFor(left, TimeUnit.NANOSECONDS);
          }
          // no group of its own: remember descendants while they are still ours to find
          rememberDescendants();
          if (process.waitFor(Math.min(left, DESCENDANT_POLL_NANOS), TimeUnit.NANOSECONDS)) {
            return true;
          }
        }
      } catch (InterruptedException e) {
        interrupted = true;
        return !process.isAlive();
      }
    }

    /** Waits for the main process up to {@code wait}, interruptions remembered; true if ended. */
    private boolean awaitQuietly(Duration wait) {
      long deadline = System.nanoTime() + wait.toNanos();
      while (true) {
        long left = deadline - System.nanoTime();
        try {
          return process.waitFor(Math.max(left, 0), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }

    private void signalOnTimeout(boolean force) {
      if (limits.killProcessGroup()) {
        if (pgid > 0) {
          PosixProcesses.killGroup(pgid, force ? PosixProcesses.SIGKILL : PosixProcesses.SIGTERM);
          return;
        }
        rememberDescendants();
        for (ProcessHandle descendant : seenDescendants) {
          destroy(descendant, force);
        }
      }
      if (force) {
        process.destroyForcibly();
      } else {
        process.destroy();
      }
    }

    /** Signals whatever is left in the group: TERM, grace, KILL. Returns how many were left. */
    private int cleanGroup() {
      if (!PosixProcesses.groupAlive(pgid)) {
        return 0;
      }
      int members = PosixProcesses.liveGroupMembers(pgid);
      PosixProcesses.killGroup(pgid, PosixProcesses.SIGTERM);
      if (!awaitGroupGone(limits.killGrace())) {
        PosixProcesses.killGroup(pgid, PosixProcesses.SIGKILL);
        awaitGroupGone(AFTER_KILL_WAIT);
      }
      return Math.max(members, 1);
    }

    private boolean awaitGroupGone(Duration wait) {
      long deadline = System.nanoTime() + wait.toNanos();
      while (PosixProcesses.groupAlive(pgid)) {
        if (System.nanoTime() - deadline > 0) {
          return false;
        }
        LockSupport.parkNanos(POLL_NANOS);
      }
      return true;
    }

    /** The fallback without a group of its own: the descendants seen while the hook ran. */
    private int cleanSeenDescendants() {
      List<ProcessHandle> alive = new ArrayList<>();
      for (ProcessHandle handle : seenDescendants) {
        if (handle.isAlive()) {
          alive.add(handle);
        }
      }
      if (alive.isEmpty()) {
        return 0;
      }
      alive.forEach(handle -> destroy(handle, false));
      long deadline = System.nanoTime() + limits.killGrace().toNanos();
      while (alive.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() - deadline < 0) {
        LockSupport.parkNanos(POLL_NANOS);
      }
      alive.forEach(handle -> destroy(handle, true));
      return alive.size();
    }

    private void rememberDescendants() {
      try {
        process.descendants().forEach(seenDescendants::add);
      } catch (RuntimeException unavailable) {
        // best effort
      }
    }

    private static void destroy(ProcessHandle handle, boolean force) {
      try {
        if (force) {
          handle.destroyForcibly();
        } else {
          handle.destroy();
        }
      } catch (RuntimeException notOurs) {
        // gone, or not signallable
      }
    }

    /**
     * Lets the readers finish, for at most two seconds: a process outside the group may hold the
     * pipes open; then the streams are closed and the output read so far is what is returned.
     */
    private static void joinOrAbandon(List<Future<?>> readers, Closeable... streams) {
      long deadline = System.nanoTime() + READER_WAIT.toNanos();
      boolean interrupted = false;
      for (Future<?> reader : readers) {
        while (true) {
          try {
            reader.get(Math.max(deadline - System.nanoTime(), 0), TimeUnit.NANOSECONDS);
            break;
          } catch (InterruptedException e) {
            interrupted = true;
          } catch (ExecutionException | TimeoutException | RuntimeException e) {
            break;
          }
        }
      }
      if (!readers.stream().allMatch(Future::isDone)) {
        for (Closeable stream : streams) {
          closeQuietly(stream);
        }
        readers.forEach(reader -> reader.cancel(true));
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void closeQuietly(Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException | RuntimeException ignored) {
      // nothing to do
    }
  }

  /** The first {@code limit} bytes of a stream, and how many it had. */
  private static final class Capture {
    private final int limit;
    /** Grows with what the hook prints, up to {@code limit}: quiet hooks cost nothing. */
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream(0);
    private long total;

    Capture(int limit) {
      this.limit = limit;
    }

    void drain(InputStream in) {
      byte[] chunk = new byte[READ_CHUNK];
      try (in) {
        int n;
        while ((n = in.read(chunk)) >= 0) {
          append(chunk, n);
        }
      } catch (IOException closed) {
        // pipe closed under us; keep what was read
      }
    }

    private synchronized void append(byte[] chunk, int n) {
      int room = Math.min(limit - kept.size(), n);
      if (room > 0) {
        kept.write(chunk, 0, room);
      }
      total += n;
    }

    synchronized byte[] kept() {
      return kept.toByteArray();
    }

    synchronized long total() {
      return total;
    }
  }

  /** Daemon threads named {@code claudemesh-hook-io-N}; idle ones end after a minute. */
  private static final class IoThreads implements ThreadFactory {
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public Thread newThread(Runnable task) {
      Thread thread = new Thread(task, "claudemesh-hook-io-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    }
  }
}
