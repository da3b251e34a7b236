package dev.claudemesh.daemon.cli;

import dev.claudemesh.core.Peer;
import dev.claudemesh.core.identity.ArchivedKey;
import dev.claudemesh.core.identity.ClonePolicy;
import dev.claudemesh.core.identity.DaemonPaths;
import dev.claudemesh.core.identity.Identity;
import dev.claudemesh.core.identity.KeyArchive;
import dev.claudemesh.core.identity.MeshConfig;
import dev.claudemesh.core.internal.SecureFiles;
import dev.claudemesh.daemon.cli.Main.CommandFailedException;
import dev.claudemesh.daemon.config.DaemonConfig;
import dev.claudemesh.daemon.config.Environment;
import dev.claudemesh.daemon.logging.DaemonLogging;
import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The operator commands of {@code claudemesh daemon} (SPEC §2.3, §2.5, §4.8, §10.1) that work on
 * the files of a daemon directory: accept-host, remint, rotate-keypair, archive-cleanup, reset,
 * uninstall, recover, logs. Those that change files a running daemon holds refuse while one
 * answers on the socket.
 */
final class OperatorCommands {
  private OperatorCommands() {}

  /** Whether a daemon answers on the socket of {@code paths} (the pid file is not trusted). */
  static boolean daemonAnswers(DaemonPaths paths) throws IOException {
    try (DaemonClient client = DaemonClient.open(paths.socket())) {
      return client.answers();
    }
  }

  /** Exit 1 while a daemon answers: {@code command} changes files it holds. */
  static void refuseWhileRunning(DaemonPaths paths, String command) throws IOException {
    if (daemonAnswers(paths)) {
      throw new CommandFailedException(command + " changes files the running daemon holds; stop it"
          + " first with `claudemesh daemon down --mesh " + paths.dir().getFileName() + "`");
    }
  }

  /**
   * Opens the identity as the daemon would (config.toml's host id override and key grace), but
   * with the clone policy {@code allow}: these commands are how a refused clone is resolved.
   */
  static Identity openIdentity(CliContext context, DaemonPaths paths) throws IOException {
    DaemonConfig config = DaemonConfig.load(paths, Environment.detect(context.env(), false));
    return Identity.builder(paths).env(context.env()).persistent(true)
        .clonePolicy(ClonePolicy.ALLOW)
        .hostIdOverride(config.cloneIdOverride().orElse(null))
        .keyGrace(config.keyGracePeriod())
        .open();
  }

  /** Asks on the terminal unless {@code yes}; without a terminal, {@code --yes} is required. */
  static void confirm(CliContext context, boolean yes, String question) {
    if (yes) {
      return;
    }
    Console console = System.console();
    if (console == null) {
      throw new CommandFailedException(question + " Confirm with --yes (no terminal to ask on)",
          Main.USAGE);
    }
    String answer = console.readLine("%s [y/N] ", question);
    if (answer == null || !(answer.trim().equalsIgnoreCase("y")
        || answer.trim().equalsIgnoreCase("yes"))) {
      throw new CommandFailedException("cancelled; nothing was changed");
    }
  }

  @Command(name = "accept-host", mixinStandardHelpOptions = true,
      description = "Record this host as the owner of the identity after a clone refusal.")
  static final class AcceptHost implements Callable<Integer> {
    private final CliContext context;

    @Mixin DaemonCommands.MeshOption mesh = new DaemonCommands.MeshOption();

    AcceptHost(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      DaemonPaths paths = MeshLocator.locate(context.env(), mesh.mesh);
      refuseWhileRunning(paths, "accept-host");
      Identity identity = openIdentity(context, paths);
      identity.acceptHost();
      context.out().println("this host now owns the identity in " + paths.dir()
          + "; the member keys are unchanged. If the original host still runs this member, both"
          + " now speak as one member: use `claudemesh daemon remint` on one of them instead");
      return Main.OK;
    }
  }

  @Command(name = "remint", mixinStandardHelpOptions = true,
      description = "Give a cloned directory a fresh member key, joined with a new invite.")
  static final class Remint implements Callable<Integer> {
    private final CliContext context;

    @Mixin DaemonCommands.MeshOption mesh = new DaemonCommands.MeshOption();

    @Option(names = "--invite", paramLabel = "INVITE",
        description = "an invite of the same mesh (the broker registers new members only with one)")
    @Nullable String invite;

    @Option(names = "--name", description = "display name (default: the current one)")
    @Nullable String name;

    Remint(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      DaemonPaths paths = MeshLocator.locate(context.env(), mesh.mesh);
      if (invite == null || invite.isBlank()) {
        throw new CommandFailedException("remint needs --invite INVITE: a fresh key is a new member"
            + " and the broker registers members only through an invite (POST /v1/join); ask"
            + " the mesh owner for one (`claudemesh-broker invite <slug>`)", Main.USAGE);
      }
      refuseWhileRunning(paths, "remint");
      MeshConfig current = MeshConfig.read(paths.meshJson());
      String displayName = name != null ? name : current.displayName();
      // Join in a staging directory first: if the broker refuses the invite, nothing here changes.
      Path staging = paths.dir().resolveSibling("." + paths.dir().getFileName() + ".remint-"
          + UUID.randomUUID());
      try {
        DaemonPaths fresh = DaemonPaths.inDirectory(staging);
        MeshConfig joined = Peer.join(fresh, context.env(), current.brokerUrl(), invite,
            displayName);
        if (!joined.meshId().equals(current.meshId())) {
          throw new CommandFailedException("the invite is for mesh " + joined.slug() + " ("
              + joined.meshId() + "), not " + current.slug() + " (" + current.meshId()
              + "); the new member " + joined.memberId() + " stays registered there unused");
        }
        // Keeps the old key as keypair.json.replaced-<ts> and records this host.
        openIdentity(context, paths).remint();
        move(fresh.keypairJson(), paths.keypairJson());
        move(fresh.meshJson(), paths.meshJson());
        SecureFiles.fsyncDirectory(paths.dir());
        context.out().println("reminted: new member " + joined.memberId() + " of mesh "
            + joined.slug() + " as " + joined.displayName() + "; the previous key is kept as"
            + " keypair.json.replaced-<ts> and member " + current.memberId()
            + " stays registered at the broker (the original host may still use it)");
        return Main.OK;
      } finally {
        MeshCommands.deleteTree(staging);
      }
    }

    private static void move(Path from, Path to) throws IOException {
      try {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (java.nio.file.AtomicMoveNotSupportedException e) {
        Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  /** Why {@code rotate-keypair} cannot run yet: the one place its message is built. */
  static final String ROTATE_UNSUPPORTED = "not supported yet: the broker has no rotate_keypair"
      + " request (SPEC §2.5, §7.5), so a new key cannot be registered; core only does the local"
      + " half (archive the old key, write the new one), and doing that alone would lock this"
      + " member out of the broker. Nothing was changed";

  @Command(name = "rotate-keypair", mixinStandardHelpOptions = true,
      description = "Mint new member keys and register them with the broker (not supported yet).")
  static final class RotateKeypair implements Callable<Integer> {
    private final CliContext context;

    @Mixin DaemonCommands.MeshOption mesh = new DaemonCommands.MeshOption();

    RotateKeypair(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      MeshLocator.locate(context.env(), mesh.mesh);
      throw new CommandFailedException(ROTATE_UNSUPPORTED);
    }
  }

  @Command(name = "archive-cleanup", mixinStandardHelpOptions = true,
      description = "Remove rotated-out keys whose grace period has ended.")
  static final class ArchiveCleanup implements Callable<Integer> {
    private final CliContext context;

    @Mixin DaemonCommands.MeshOption mesh = new DaemonCommands.MeshOption();

    ArchiveCleanup(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      DaemonPaths paths = MeshLocator.locate(context.env(), mesh.mesh);
      if (!Files.exists(paths.keypairArchive())) {
        context.out().println("no keypair-archive.json in " + paths.dir() + "; nothing to remove");
        return Main.OK;
      }
      KeyArchive archive = KeyArchive.load(paths.keypairArchive(), Clock.systemUTC());
      List<ArchivedKey> expired = archive.expiredKeys();
      archive.cleanup();
      for (ArchivedKey key : expired) {
        context.out().println("removed " + key.keyId() + " (expired " + key.expiresAt() + ")");
      }
      context.out().println(expired.size() + " expired key(s) removed, " + archive.size()
          + " still in their grace period");
      return Main.OK;
    }
  }

  @Command(name = "reset", mixinStandardHelpOptions = true,
      description = "Stop the daemon and delete its directory (the member stays at the broker).")
  static final class Reset implements Callable<Integer> {
    private final CliContext context;

    @Mixin DaemonCommands.MeshOption mesh = new DaemonCommands.MeshOption();

    @Option(names = {"-y", "--yes"}, description = "do not ask for confirmation")
    boolean yes;

    Reset(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      DaemonPaths paths = MeshLocator.locate(context.env(), mesh.mesh);
      confirm(context, yes, "Delete " + paths.dir() + " with its keys, outbox and inbox?");
      reset(context, paths);
      return Main.OK;
    }
  }

  /** Stops the daemon if it runs, deletes its directory and says what stays at the broker. */
  static void reset(CliContext context, DaemonPaths paths) throws IOException,
      InterruptedException {
    MeshConfig joined = null;
    try {
      joined = MeshConfig.read(paths.meshJson());
    } catch (IOException e) {
      // a broken mesh.json does not stop a reset
    }
    if (daemonAnswers(paths)) {
      DaemonCommands.stop(context, paths);
    }
    MeshCommands.deleteTree(paths.dir());
    context.out().println("deleted " + paths.dir() + (joined == null ? ""
        : "; member " + joined.memberId() + " stays registered in mesh " + joined.slug()
            + " at " + joined.brokerUrl() + " (the mesh owner can revoke it)"));
  }

  @Command(name = "uninstall", mixinStandardHelpOptions = true,
      description = "Reset every mesh and remove $CLAUDEMESH_HOME entirely.")
  static final class Uninstall implements Callable<Integer> {
    private final CliContext context;

    @Option(names = {"-y", "--yes"}, description = "do not ask for confirmation")
    boolean yes;

    Uninstall(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      Path home = DaemonPaths.home(context.env()).toAbsolutePath().normalize();
      Path userHome = Path.of(System.getProperty("user.home")).toAbsolutePath().normalize();
      String shellHome = context.env().get("HOME");
      if (home.getParent() == null || home.equals(userHome)
          || (shellHome != null && home.equals(Path.of(shellHome).toAbsolutePath().normalize()))) {
        throw new CommandFailedException("refusing to delete " + home
            + ": it is not a claudemesh directory");
      }
      if (!Files.exists(home)) {
        context.out().println("nothing to uninstall: " + home + " does not exist");
        return Main.OK;
      }
      List<String> meshes = MeshLocator.joined(context.env());
      confirm(context, yes, "Delete " + home + " with " + meshes.size()
          + " joined mesh(es), their keys, outboxes and inboxes?");
      for (String name : meshes) {
        reset(context, DaemonPaths.resolve(context.env(), name));
      }
      MeshCommands.deleteTree(home);
      context.out().println("removed " + home);
      return Main.OK;
    }
  }

  @Command(name = "recover", mixinStandardHelpOptions = true,
      description = "Rebuild a corrupt outbox.db from the rows that can still be read.")
  static final class Recover implements Callable<Integer> {
    private final CliContext context;

    @Mixin DaemonCommands.MeshOption mesh = new DaemonCommands.MeshOption();

    Recover(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      DaemonPaths paths = MeshLocator.locate(context.env(), mesh.mesh);
      refuseWhileRunning(paths, "recover");
      OutboxSalvage.Result result = OutboxSalvage.recover(paths, Clock.systemUTC());
      context.out().println(result.describe());
      return Main.OK;
    }
  }

  @Command(name = "logs", mixinStandardHelpOptions = true,
      description = "Print the end of daemon.log; -f keeps printing new lines.")
  static final class Logs implements Callable<Integer> {
    private final CliContext context;

    @Mixin DaemonCommands.MeshOption mesh = new DaemonCommands.MeshOption();

    @Option(names = {"-f", "--follow"}, description = "keep printing lines as they are written")
    boolean follow;

    @Option(names = {"-n", "--lines"}, defaultValue = "50", description = "how many last lines")
    int lines;

    Logs(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      if (lines < 0) {
        throw new CommandFailedException("--lines must not be negative, got " + lines, Main.USAGE);
      }
      DaemonPaths paths = MeshLocator.locate(context.env(), mesh.mesh);
      Path log = paths.daemonLog();
      try (PrintStream stream = new PrintStream(new LineBridge(context.out()), true,
          StandardCharsets.UTF_8)) {
        DaemonLogging.tail(log, lines, follow, stream);
      } catch (NoSuchFileException e) {
        throw new CommandFailedException("no daemon.log in " + paths.dir()
            + "; the daemon writes it once started");
      }
      return Main.OK;
    }
  }
}
