package dev.claudemesh.daemon.service;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Runs the service manager's commands ({@code systemctl}, {@code launchctl}); injected so tests do
 * not touch the host's service manager.
 */
public interface CommandRunner {
  /** What a command printed (stdout and stderr together) and its exit status. */
  record Result(int exitCode, String output) {
    public Result {
      Objects.requireNonNull(output, "output == null");
    }
  }

  /**
   * Runs {@code command} to completion.
   *
   * @throws IOException if it cannot be started or does not finish in time
   */
  Result run(List<String> command) throws IOException;

  /** Runs commands as child processes, waiting at most {@code timeoutSeconds} for each. */
  static CommandRunner processes(long timeoutSeconds) {
    if (timeoutSeconds <= 0) {
      throw new IllegalArgumentException("timeoutSeconds must be > 0: " + timeoutSeconds);
    }
    return command -> {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      Thread reader = new Thread(() -> {
        try (InputStream in = process.getInputStream()) {
          in.transferTo(output);
        } catch (IOException e) {
          // the process went away; what was read so far is the output
        }
      }, "service-command-output");
      reader.setDaemon(true);
      reader.start();
      try {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new IOException(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s");
        }
        reader.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while running " + String.join(" ", command), e);
      }
      synchronized (output) {
        return new Result(process.exitValue(), output.toString(StandardCharsets.UTF_8));
      }
    };
  }
}
