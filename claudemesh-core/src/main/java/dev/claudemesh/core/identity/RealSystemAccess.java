package dev.claudemesh.core.identity;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.NANOSECONDS;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * {@link SystemAccess} backed by the real file system, processes and {@link NetworkInterface}.
 *
 * <p>Thread-safe and stateless. Every failure, including a {@link SecurityException} or an
 * unexpected runtime exception from the JDK, becomes absence: host probing must never stop the
 * daemon from starting.
 */
final class RealSystemAccess implements SystemAccess {
  private static final Path SYS_CLASS_NET = Path.of("/sys/class/net");

  /** Probe outputs are a few kilobytes; anything this large is not what we asked for. */
  static final int MAX_OUTPUT_BYTES = 1 << 20;

  /** Time for the stdout reader to finish after the process has exited. */
  private static final long OUTPUT_GRACE_NANOS = MILLISECONDS.toNanos(200);

  /** Time to reap a killed process, so it does not linger as a zombie. */
  private static final long REAP_MILLIS = 500;

  /**
   * Lowercase fragments of adapter descriptions that mark a software adapter. Windows reports the
   * driver description as the display name and nothing else about the hardware; Hyper-V (00:15:5d)
   * and VMware (00:50:56) adapters carry globally administered MACs, so the MAC rule alone would
   * let them through.
   */
  static final List<String> VIRTUAL_ADAPTER_MARKERS =
      List.of(
          "virtual",
          "hyper-v",
          "vmware",
          "tap-windows",
          "miniport",
          "pseudo-interface",
          "tunnel",
          "vpn");

  @Override
  public Optional<String> readFile(Path file) {
    try {
      return Optional.of(Files.readString(file, UTF_8));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  @Override
  public boolean exists(Path path) {
    try {
      return Files.exists(path);
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  public Optional<String> run(List<String> command, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Process process;
    try {
      process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    OutputCollector collector = new OutputCollector(process.getInputStream());
    Thread reader = new Thread(collector, "claudemesh-host-probe-stdout");
    reader.setDaemon(true);
    try {
      reader.start();
      process.getOutputStream().close();
      if (!process.waitFor(deadline - System.nanoTime(), NANOSECONDS)) {
        kill(process);
        return Optional.empty();
      }
      // A background child that inherited stdout can keep the pipe open after the command exits
      // (the JDK closes it at exit on Unix, not everywhere); give up rather than wait for it.
      long readerWait = Math.max(deadline - System.nanoTime(), 0) + OUTPUT_GRACE_NANOS;
      reader.join(Math.max(NANOSECONDS.toMillis(readerWait), 1));
      if (reader.isAlive() || process.exitValue() != 0) {
        return Optional.empty();
      }
      return collector.output();
    } catch (InterruptedException e) {
      kill(process);
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      kill(process);
      return Optional.empty();
    }
  }

  /** Kills the process and its children (before they are orphaned and out of reach), then reaps. */
  private static void kill(Process process) {
    try {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
    } catch (RuntimeException e) {
      // Children cannot be listed here; killing the command itself is all we can do.
    }
    process.destroyForcibly();
    try {
      process.waitFor(REAP_MILLIS, MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public List<Nic> networkInterfaces() {
    List<NetworkInterface> found;
    try {
      found = NetworkInterface.networkInterfaces().collect(Collectors.toList());
    } catch (SocketException | RuntimeException e) {
      return List.of();
    }
    boolean linuxSysfs = Files.isDirectory(SYS_CLASS_NET);
    List<Nic> nics = new ArrayList<>(found.size());
    for (NetworkInterface nif : found) {
      nics.add(describe(nif, linuxSysfs));
    }
    return List.copyOf(nics);
  }

  private Nic describe(NetworkInterface nif, boolean linuxSysfs) {
    byte[] mac = null;
    boolean loopback = false;
    try {
      mac = nif.getHardwareAddress();
    } catch (SocketException e) {
      // The interface vanished or cannot be queried: it has no usable MAC.
    }
    try {
      loopback = nif.isLoopback();
    } catch (SocketException e) {
      // Same as above; a loopback interface has no MAC, so the MAC rules still exclude it.
    }
    return new Nic(nif.getName(), mac, loopback, kind(nif, linuxSysfs));
  }

  private Nic.Kind kind(NetworkInterface nif, boolean linuxSysfs) {
    if (nif.isVirtual()) {
      return Nic.Kind.VIRTUAL;
    }
    if (linuxSysfs) {
      try {
        return exists(SYS_CLASS_NET.resolve(nif.getName()).resolve("device"))
            ? Nic.Kind.PHYSICAL
            : Nic.Kind.VIRTUAL;
      } catch (RuntimeException e) {
        return Nic.Kind.UNKNOWN;
      }
    }
    return kindFromDescription(nif.getDisplayName());
  }

  /** VIRTUAL when the adapter description names a software adapter, else UNKNOWN. */
  static Nic.Kind kindFromDescription(@Nullable String description) {
    if (description == null) {
      return Nic.Kind.UNKNOWN;
    }
    String lower = description.toLowerCase(Locale.ROOT);
    for (String marker : VIRTUAL_ADAPTER_MARKERS) {
      if (lower.contains(marker)) {
        return Nic.Kind.VIRTUAL;
      }
    }
    return Nic.Kind.UNKNOWN;
  }

  /** Drains a process's stdout, keeping at most {@link #MAX_OUTPUT_BYTES}. */
  private static final class OutputCollector implements Runnable {
    private final InputStream in;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    // Read by the caller only after Thread.join, which orders these writes before the read.
    private boolean overflowed;
    private boolean failed;

    OutputCollector(InputStream in) {
      this.in = in;
    }

    @Override
    public void run() {
      byte[] chunk = new byte[8192];
      try (InputStream stream = in) {
        int n;
        while ((n = stream.read(chunk)) != -1) {
          // Keep draining past the limit so the command never blocks on a full pipe.
          if (buffer.size() + n > MAX_OUTPUT_BYTES) {
            overflowed = true;
          } else {
            buffer.write(chunk, 0, n);
          }
        }
      } catch (IOException e) {
        failed = true;
      }
    }

    Optional<String> output() {
      return overflowed || failed ? Optional.empty() : Optional.of(buffer.toString(UTF_8));
    }
  }
}
