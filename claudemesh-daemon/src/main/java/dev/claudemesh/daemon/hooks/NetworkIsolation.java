package dev.claudemesh.daemon.hooks;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Whether hooks can be run without network (SPEC §9 {@code network_policy = "deny"}): the command
 * prefix ({@code unshare --net --} or, for an unprivileged user, {@code unshare --map-root-user
 * --net --}) that starts a program in a fresh network namespace holding only a down {@code lo}, or
 * the reason why no such prefix works here. Isolation is best effort; callers warn and count when
 * it is unavailable.
 */
public final class NetworkIsolation {
  private static final long PROBE_TIMEOUT_SECONDS = 5;
  private static final int MAX_REASON_CHARS = 200;

  private final List<String> commandPrefix;
  private final String description;

  private NetworkIsolation(List<String> commandPrefix, String description) {
    this.commandPrefix = List.copyOf(commandPrefix);
    this.description = description;
  }

  /**
   * Tries, once each and with a 5 s timeout, {@code unshare --net -- /bin/true} (works as root)
   * and then {@code unshare --map-root-user --net -- /bin/true} (unprivileged user namespaces); the
   * first that exits 0 gives the command prefix. Takes a few milliseconds when it works; call it
   * once at start and keep the result.
   */
  public static NetworkIsolation probe() {
    String os = System.getProperty("os.name", "");
    if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
      return unavailable("network namespaces need Linux, this is " + os);
    }
    @Nullable Path unshare = firstExecutable(Path.of("/usr/bin/unshare"), Path.of("/bin/unshare"));
    if (unshare == null) {
      return unavailable("unshare not found in /usr/bin or /bin");
    }
    @Nullable Path trueCommand = firstExecutable(Path.of("/bin/true"), Path.of("/usr/bin/true"));
    if (trueCommand == null) {
      return unavailable("true not found in /bin or /usr/bin");
    }
    List<List<String>> candidates =
        List.of(
            List.of(unshare.toString(), "--net", "--"),
            List.of(unshare.toString(), "--map-root-user", "--net", "--"));
    List<String> failures = new ArrayList<>();
    for (List<String> prefix : candidates) {
      String failure = tryPrefix(prefix, trueCommand);
      if (failure == null) {
        return new NetworkIsolation(prefix, "available: " + String.join(" ", prefix));
      }
      failures.add(failure);
    }
    return unavailable(String.join("; ", failures));
  }

  /** No isolation, for {@code reason} (tests, non-Linux systems, a failed probe). */
  public static NetworkIsolation unavailable(String reason) {
    Objects.requireNonNull(reason, "reason");
    return new NetworkIsolation(List.of(), "unavailable: " + reason);
  }

  /** Whether hooks can be started in a network namespace of their own. */
  public boolean available() {
    return !commandPrefix.isEmpty();
  }

  /** The words to put before the hook's command; empty when unavailable. */
  public List<String> commandPrefix() {
    return commandPrefix;
  }

  /** "available: PREFIX" or "unavailable: REASON", for logs and {@code daemon status}. */
  public String describe() {
    return description;
  }

  @Override
  public String toString() {
    return "NetworkIsolation[" + description + "]";
  }

  private static @Nullable Path firstExecutable(Path... candidates) {
    for (Path candidate : candidates) {
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /** Null when {@code prefix + true} exits 0, else why not. */
  private static @Nullable String tryPrefix(List<String> prefix, Path trueCommand) {
    String shown = displayName(prefix);
    List<String> command = new ArrayList<>(prefix);
    command.add(trueCommand.toString());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      return shown + " failed: " + e.getMessage();
    }
    try {
      if (!process.waitFor(PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return shown + " failed: no exit within " + PROBE_TIMEOUT_SECONDS + " s";
      }
      int exit = process.exitValue();
      if (exit == 0) {
        return null;
      }
      String output = readSome(process.getInputStream());
      return shown + " failed: exit " + exit + (output.isEmpty() ? "" : ": " + output);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      return shown + " failed: interrupted";
    }
  }

  /** "unshare --net" for "/usr/bin/unshare --net --". */
  private static String displayName(List<String> prefix) {
    List<String> words = new ArrayList<>(prefix.subList(0, prefix.size() - 1));
    words.set(0, "unshare");
    return String.join(" ", words);
  }

  private static String readSome(InputStream in) {
    try (in) {
      byte[] bytes = in.readNBytes(MAX_REASON_CHARS);
      return new String(bytes, StandardCharsets.UTF_8).strip().replace('\n', ' ');
    } catch (IOException e) {
      return "";
    }
  }
}
