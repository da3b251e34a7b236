package dev.claudemesh.daemon.cli;

import dev.claudemesh.core.PeerException;
import dev.claudemesh.core.identity.IdentityUnavailableException;
import dev.claudemesh.daemon.config.ConfigException;
import dev.claudemesh.daemon.logging.DaemonLogging;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.event.Level;
import picocli.CommandLine;

/**
 * The {@code claudemesh} command (SPEC §10.1). Exit codes: 0 ok, 1 failure, 2 usage or mesh not
 * found, 4 host fingerprint mismatch. Errors print one line (the cause's message) to stderr, never
 * a stack trace unless {@code CLAUDEMESH_DEBUG=1}.
 */
public final class Main {
  /** SPEC §10.1 exit codes. */
  static final int OK = 0;
  static final int FAILURE = 1;
  static final int USAGE = 2;
  static final int HOST_MISMATCH = 4;

  private Main() {}

  public static void main(String[] args) {
    DaemonLogging.consoleOnly(Level.WARN);
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    int code = commandLine(new CliContext(System.getenv(), out, err, true)).execute(args);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** Runs one command line with {@code env}, embedded (logging is left as it is); returns the exit code. */
  static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
    CliContext context = new CliContext(env, out, err, false);
    CommandLine cli = commandLine(context);
    return cli.execute(args);
  }

  static CommandLine commandLine(CliContext context) {
    CommandLine cli = new CommandLine(ClaudemeshCommand.class, new Factory(context));
    // An invite or a message may begin with '-' (invites are base64url): an argument that looks
    // like an option but is none is a positional parameter, not a usage error.
    cli.setUnmatchedOptionsArePositionalParams(true);
    cli.setOut(context.out());
    cli.setErr(context.err());
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      boolean debug = "1".equals(context.env().get("CLAUDEMESH_DEBUG"));
      if (debug) {
        e.printStackTrace(context.err());
      }
      context.err().println("claudemesh: " + describe(e));
      context.err().flush();
      return exitCode(e);
    });
    return cli;
  }

  static int exitCode(Throwable e) {
    if (e instanceof CommandFailedException failed) {
      return failed.exitCode();
    }
    if (e instanceof IdentityUnavailableException unavailable) {
      return unavailable.exitCode();
    }
    if (e instanceof MeshLocator.MeshNotFoundException) {
      return USAGE;
    }
    if (e instanceof CommandLine.ParameterException) {
      return USAGE;
    }
    return FAILURE;
  }

  private static String describe(Throwable e) {
    if (e instanceof ConfigException || e instanceof PeerException
        || e instanceof IdentityUnavailableException || e instanceof CommandFailedException
        || e instanceof MeshLocator.MeshNotFoundException) {
      return e.getMessage();
    }
    String message = e.getMessage();
    return message == null ? e.getClass().getSimpleName() : message;
  }

  /** A command's own failure: its message is the one line printed; exit code 1 unless given. */
  static final class CommandFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    CommandFailedException(String message) {
      this(message, FAILURE);
    }

    CommandFailedException(String message, int exitCode) {
      super(message);
      this.exitCode = exitCode;
    }

    int exitCode() {
      return exitCode;
    }
  }

  /** Gives commands with a {@code (CliContext)} constructor their context. */
  private static final class Factory implements CommandLine.IFactory {
    private final CliContext context;
    private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

    Factory(CliContext context) {
      this.context = context;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
      try {
        Constructor<K> constructor = type.getDeclaredConstructor(CliContext.class);
        constructor.setAccessible(true);
        return constructor.newInstance(context);
      } catch (NoSuchMethodException e) {
        return fallback.create(type);
      }
    }
  }
}
