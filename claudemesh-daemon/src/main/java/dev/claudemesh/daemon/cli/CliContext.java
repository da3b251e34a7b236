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
  private final boolean ownsLogging;

  /**
   * {@code ownsLogging}: this process is the command line itself, so a daemon it runs may point
   * the logging backend at {@code daemon.log}; false when embedded (tests), where the host's
   * logging configuration stays.
   */
  CliContext(Map<String, String> env, PrintWriter out, PrintWriter err, boolean ownsLogging) {
    this.env = Map.copyOf(Objects.requireNonNull(env, "env == null"));
    this.out = Objects.requireNonNull(out, "out == null");
    this.err = Objects.requireNonNull(err, "err == null");
    this.ownsLogging = ownsLogging;
  }

  boolean ownsLogging() {
    return ownsLogging;
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
