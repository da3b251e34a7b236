package dev.claudemesh.conformance;

import dev.claudemesh.core.fingerprint.FingerprintRequest;
import dev.claudemesh.core.fingerprint.RequestFingerprint;
import dev.claudemesh.core.jcs.Jcs;
import dev.claudemesh.core.jcs.JcsException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code java -jar claudemesh-conformance.jar (jcs | fingerprint | verify [DIR...])}.
 *
 * <p>Exit codes: 0 success, 1 invalid input or a failed case, 2 usage error or unreadable
 * directory.
 */
@Command(
    name = "claudemesh-conformance",
    mixinStandardHelpOptions = true,
    version = "claudemesh-conformance 0.1.0",
    description = "Canonicalize JSON (RFC 8785), compute request fingerprints (SPEC 4.3) and verify conformance fixtures.",
    subcommands = {
      ConformanceCli.JcsCommand.class,
      ConformanceCli.FingerprintCommand.class,
      ConformanceCli.VerifyCommand.class
    })
public final class ConformanceCli implements Runnable {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  private final InputStream in;
  private final PrintStream out;
  private final PrintStream err;

  ConformanceCli(InputStream in, PrintStream out, PrintStream err) {
    this.in = in;
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    System.exit(run(args, System.in, System.out, System.err));
  }

  /** Runs the command line with the given streams; returns the exit code. */
  static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
    ConformanceCli cli = new ConformanceCli(in, out, err);
    CommandLine commandLine = new CommandLine(cli, new Factory(cli));
    commandLine.setOut(new java.io.PrintWriter(out, true));
    commandLine.setErr(new java.io.PrintWriter(err, true));
    return commandLine.execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        new CommandLine(this), "Missing command: jcs, fingerprint or verify");
  }

  @Command(name = "jcs", description = "Canonicalize the JSON document on stdin to stdout (no trailing newline).")
  static final class JcsCommand implements Callable<Integer> {
    private final ConformanceCli cli;

    JcsCommand(ConformanceCli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() throws IOException {
      byte[] input = cli.in.readAllBytes();
      try {
        cli.out.write(Jcs.canonicalize(input));
        cli.out.flush();
        return OK;
      } catch (JcsException e) {
        cli.err.println("invalid JSON: " + e.getMessage());
        return FAILED;
      }
    }
  }

  @Command(name = "fingerprint", description = "Print the SPEC 4.3 request fingerprint (64 hex) of the request object on stdin.")
  static final class FingerprintCommand implements Callable<Integer> {
    private final ConformanceCli cli;

    FingerprintCommand(ConformanceCli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() throws IOException {
      byte[] input = cli.in.readAllBytes();
      try {
        cli.out.println(RequestFingerprint.of(FingerprintRequest.fromJson(Jcs.parse(input))).hex());
        return OK;
      } catch (JcsException e) {
        cli.err.println("invalid JSON: " + e.getMessage());
        return FAILED;
      } catch (IllegalArgumentException | IllegalStateException e) {
        cli.err.println("invalid request: " + e.getMessage());
        return FAILED;
      }
    }
  }

  @Command(name = "verify", description = "Verify fixture directories (default: the bundled fixtures). Ends with 'N passed, M failed'.")
  static final class VerifyCommand implements Callable<Integer> {
    private final ConformanceCli cli;

    @Parameters(paramLabel = "DIR", arity = "0..*", description = "Fixture directories in the documented layout.")
    private List<Path> directories = List.of();

    VerifyCommand(ConformanceCli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() throws IOException {
      FixtureVerifier verifier = new FixtureVerifier();
      if (directories.isEmpty()) {
        try (BundledFixtures bundled = BundledFixtures.open()) {
          verifier.verify(bundled.root(), "");
        }
      } else {
        for (Path directory : directories) {
          if (!Files.isDirectory(directory)) {
            cli.err.println("not a directory: " + directory);
            return USAGE;
          }
        }
        for (Path directory : directories) {
          verifier.verify(directory, directories.size() == 1 ? "" : directory.toString());
        }
      }
      cli.out.print(verifier.report().render());
      cli.out.flush();
      return verifier.report().failed() == 0 ? OK : FAILED;
    }
  }

  /** Gives subcommands the streams of the command line that runs them. */
  private static final class Factory implements CommandLine.IFactory {
    private final ConformanceCli cli;

    Factory(ConformanceCli cli) {
      this.cli = cli;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
      if (type == JcsCommand.class) {
        return type.cast(new JcsCommand(cli));
      }
      if (type == FingerprintCommand.class) {
        return type.cast(new FingerprintCommand(cli));
      }
      if (type == VerifyCommand.class) {
        return type.cast(new VerifyCommand(cli));
      }
      return CommandLine.defaultFactory().create(type);
    }
  }
}
