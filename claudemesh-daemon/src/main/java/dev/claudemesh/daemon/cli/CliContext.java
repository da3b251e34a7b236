package dev.claudemesh.daemon.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.Objects;

/**
 * What every command works with: the environment (never read from {@code System.getenv()} inside a
 * command, so tests and {@code demo} can give their own) and where to print.
 */
final class CliContext {
  private final Map<String, String> env;
  private final PrintWriter out;
  private final PrintWriter err;

  CliContext(Map<String, String> env, PrintWriter out, PrintWriter err) {
    this.env = Map.copyOf(Objects.requireNonNull(env, "env == null"));
    this.out = Objects.requireNonNull(out, "out == null");
    this.err = Objects.requireNonNull(err, "err == null");
  }

  Map<String, String> env() {
    return env;
  }

  PrintWriter out() {
    return out;
  }

  PrintWriter err() {
    return err;
  }

  @Override
  public String toString() {
    return "CliContext";
  }
}
