package dev.claudemesh.daemon.cli;

import dev.claudemesh.api.Health;
import dev.claudemesh.api.Problem;
import dev.claudemesh.api.Routes;
import dev.claudemesh.api.Version;
import dev.claudemesh.core.Peer;
import dev.claudemesh.core.identity.DaemonPaths;
import dev.claudemesh.daemon.DaemonRuntime;
import dev.claudemesh.daemon.PidFile;
import dev.claudemesh.daemon.cli.Main.CommandFailedException;
import dev.claudemesh.daemon.logging.DaemonLogging;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.slf4j.event.Level;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code claudemesh daemon ...} (SPEC §10.1): lifecycle and status of the daemon of one mesh. */
@Command(name = "daemon", mixinStandardHelpOptions = true,
    description = "Run and operate the daemon of a mesh.",
    subcommands = {
        DaemonCommands.Up.class, DaemonCommands.Down.class, DaemonCommands.Status.class,
        DaemonCommands.VersionCommand.class, DaemonCommands.Restart.class,
        DaemonCommands.Reload.class, DaemonCommands.RotateToken.class,
        ServiceCommands.Install.class, ServiceCommands.Uninstall.class,
        OperatorCommands.AcceptHost.class, OperatorCommands.Remint.class,
        OperatorCommands.RotateKeypair.class, OperatorCommands.ArchiveCleanup.class,
        OutboxCommands.class, BackupCommands.Backup.class, BackupCommands.Restore.class,
        OperatorCommands.Reset.class, OperatorCommands.Uninstall.class,
        OperatorCommands.Recover.class, OperatorCommands.Logs.class})
final class DaemonCommands implements Callable<Integer> {
  private final CliContext context;

  DaemonCommands(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    context.err().println("claudemesh daemon: a subcommand is required (see --help)");
    return Main.USAGE;
  }

  /** {@code --mesh}, shared by every command that works on one daemon. */
  static final class MeshOption {
    @Option(names = {"-m", "--mesh"}, paramLabel = "NAME",
        description = "the daemon directory under $CLAUDEMESH_HOME/daemon/ (default: the only one)")
    @Nullable String mesh;
  }

  @Command(name = "up", mixinStandardHelpOptions = true,
      description = "Start the daemon (in the background unless --foreground).")
  static final class Up implements Callable<Integer> {
    private final CliContext context;

    @picocli.CommandLine.Mixin MeshOption mesh = new MeshOption();

    @Option(names = "--foreground", description = "run in this process until stopped")
    boolean foreground;

    @Option(names = "--persistent", description = "keep the identity on disk, even in CI")
    boolean persistent;

    @Option(names = "--ephemeral", description = "keys only in memory; a fresh member at every"
        + " start, removed by the broker after it leaves (the default in CI)")
    boolean ephemeral;

    @Option(names = "--ttl", paramLabel = "DURATION",
        description = "an ephemeral daemon stops by itself after this long: 90s, 30m, 2h, 1d")
    @Nullable String ttl;

    @Option(names = "--invite", paramLabel = "TOKEN",
        description = "ephemeral: the invite to join with (else $CLAUDEMESH_INVITE)")
    @Nullable String invite;

    @Option(names = "--broker", paramLabel = "URL",
        description = "ephemeral: the broker's ws:// URL (else $CLAUDEMESH_BROKER_URL)")
    @Nullable String broker;

    @Option(names = "--name", description = "ephemeral: the display name (default user@host)")
    @Nullable String name;

    @Option(names = "--container", description = "treat this host as a container (socket only)")
    boolean container;

    @Option(names = "--all", description = "start a daemon for every joined mesh")
    boolean all;

    /** Set by `daemon up` for the child it starts: the log goes to daemon.log only. */
    @Option(names = "--detached", hidden = true)
    boolean detached;

    Up(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      if (persistent && ephemeral) {
        throw new CommandFailedException("--persistent and --ephemeral exclude each other",
            Main.USAGE);
      }
      boolean isEphemeral = dev.claudemesh.core.identity.IdentityMode.decide(context.env(),
          persistent, ephemeral).mode() == dev.claudemesh.core.identity.IdentityMode.EPHEMERAL;
      Duration lifetime = ttl == null ? null : parseTtl(ttl);
      if (lifetime != null && !isEphemeral) {
        throw new CommandFailedException("--ttl applies to an ephemeral daemon (--ephemeral)",
            Main.USAGE);
      }
      if (isEphemeral) {
        if (all) {
          throw new CommandFailedException("--all starts persistent daemons; pass --persistent",
              Main.USAGE);
        }
        DaemonPaths paths = MeshLocator.directory(context.env(),
            mesh.mesh != null ? mesh.mesh : "ephemeral");
        String inviteToken = invite != null ? invite : context.env().get("CLAUDEMESH_INVITE");
        String brokerUrl = broker != null ? broker : context.env().get("CLAUDEMESH_BROKER_URL");
        if (inviteToken == null || brokerUrl == null) {
          throw new CommandFailedException("an ephemeral daemon (" + (ephemeral ? "--ephemeral"
              : "chosen because this looks like CI") + ") joins afresh at every start: give"
              + " --invite and --broker (or CLAUDEMESH_INVITE and CLAUDEMESH_BROKER_URL), or pass"
              + " --persistent to run a joined member", Main.USAGE);
        }
        String displayName = name != null ? name : MeshCommands.defaultName(context.env());
        return foreground ? foreground(paths, new String[] {brokerUrl, inviteToken, displayName},
            lifetime) : backgroundEphemeral(paths, brokerUrl, inviteToken, displayName);
      }
      if (all) {
        if (foreground) {
          throw new CommandFailedException("--all starts background daemons; drop --foreground",
              Main.USAGE);
        }
        int worst = Main.OK;
        for (String name : MeshLocator.joined(context.env())) {
          worst = Math.max(worst, background(MeshLocator.locate(context.env(), name),
              List.of(), Map.of()));
        }
        return worst;
      }
      DaemonPaths paths = MeshLocator.locate(context.env(), mesh.mesh);
      return foreground ? foreground(paths, null, null) : background(paths, List.of(), Map.of());
    }

    private int foreground(DaemonPaths paths, String @Nullable [] join, @Nullable Duration lifetime)
        throws IOException, InterruptedException {
      if (context.ownsLogging()) {
        DaemonLogging.install(paths.dir(), Level.INFO, !detached);
      }
      DaemonRuntime.Options options = new DaemonRuntime.Options(paths)
          .env(context.env()).persistent(persistent).ephemeral(ephemeral).container(container);
      if (join != null) {
        options.ephemeralJoin(join[0], join[1], join[2]);
      }
      if (lifetime != null) {
        options.ttl(lifetime);
      }
      DaemonRuntime daemon = DaemonRuntime.start(options);
      context.out().println("daemon for mesh " + daemon.peer().mesh().slug() + " serving "
          + paths.socket() + (daemon.tcpPort() >= 0 ? " and 127.0.0.1:" + daemon.tcpPort() : ""));
      context.out().flush();
      daemon.runUntilStopped();
      return Main.OK;
    }

    private int backgroundEphemeral(DaemonPaths paths, String brokerUrl, String inviteToken,
        String displayName) throws IOException, InterruptedException {
      List<String> flags = new ArrayList<>(List.of("--ephemeral", "--broker", brokerUrl,
          "--name", displayName));
      if (ttl != null) {
        flags.add("--ttl");
        flags.add(ttl);
      }
      // the invite goes through the environment: a command line is visible to every user
      return background(paths, flags, Map.of("CLAUDEMESH_INVITE", inviteToken));
    }

    private int background(DaemonPaths paths, List<String> extraFlags, Map<String, String> extraEnv)
        throws IOException, InterruptedException {
      try (DaemonClient client = DaemonClient.open(paths.socket())) {
        if (client.answers()) {
          context.out().println("a daemon already serves " + paths.socket());
          return Main.OK;
        }
      }
      List<String> flags = new ArrayList<>(extraFlags);
      if (persistent) {
        flags.add("--persistent");
      }
      if (container) {
        flags.add("--container");
      }
      Map<String, String> env = new java.util.HashMap<>(context.env());
      env.putAll(extraEnv);
      DaemonLauncher.Started started = DaemonLauncher.start(env, paths, flags);
      if (!started.answered()) {
        context.err().println(started.output());
        throw new CommandFailedException("the daemon did not start"
            + (started.exitCode() >= 0 ? " (exit code " + started.exitCode() + ")"
                : " within " + DaemonLauncher.START_TIMEOUT.toSeconds() + " s")
            + "; see " + paths.dir().resolve(DaemonLauncher.OUT_FILE) + " and "
            + paths.daemonLog(), started.exitCode() > 0 ? started.exitCode() : Main.FAILURE);
      }
      context.out().println("daemon up (pid " + started.pid() + "), serving " + paths.socket());
      return Main.OK;
    }
  }

  /** {@code 90s}, {@code 30m}, {@code 2h}, {@code 1d}, or ISO-8601 ({@code PT2H}). */
  static Duration parseTtl(String text) {
    String t = text.trim().toLowerCase(java.util.Locale.ROOT);
    Duration d;
    try {
      if (t.startsWith("p")) {
        d = Duration.parse(t.toUpperCase(java.util.Locale.ROOT));
      } else if (t.matches("[0-9]{1,9}[smhd]")) {
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        d = switch (t.charAt(t.length() - 1)) {
          case 's' -> Duration.ofSeconds(n);
          case 'm' -> Duration.ofMinutes(n);
          case 'h' -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
      } else {
        d = null;
      }
    } catch (java.time.format.DateTimeParseException e) {
      d = null;
    }
    if (d == null || d.isNegative() || d.isZero()) {
      throw new CommandFailedException("--ttl " + text + ": give a positive duration such as 90s,"
          + " 30m, 2h or 1d", Main.USAGE);
    }
    return d;
  }

  @Command(name = "down", mixinStandardHelpOptions = true, description = "Stop the daemon.")
  static final class Down implements Callable<Integer> {
    private final CliContext context;

    @picocli.CommandLine.Mixin MeshOption mesh = new MeshOption();

    Down(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      DaemonPaths paths = MeshLocator.locate(context.env(), mesh.mesh);
      stop(context, paths);
      return Main.OK;
    }
  }

  /** Stops the daemon of {@code paths}; false when none was running. */
  static boolean stop(CliContext context, DaemonPaths paths) throws IOException,
      InterruptedException {
    OptionalLong pid = PidFile.read(paths.pidFile());
    try (DaemonClient client = DaemonClient.open(paths.socket())) {
      if (!client.answers()) {
        context.out().println("no daemon is running for " + paths.dir());
        return false;
      }
      try {
        DaemonClient.Answer answer = client.post("/v1/daemon/shutdown", null, Map.of());
        if (answer.status() != 202) {
          throw new CommandFailedException("the daemon refused to stop: "
              + answer.problem().detail());
        }
      } catch (IOException e) {
        // it may have stopped before answering; the wait below tells
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline) {
        // stopped: its pid file removed at close, or its process gone (killed mid-close)
        boolean exited = pid.isEmpty() || !java.nio.file.Files.exists(paths.pidFile())
            || ProcessHandle.of(pid.getAsLong()).map(p -> !p.isAlive()).orElse(true);
        if (exited && !client.answers()) {
          context.out().println("daemon stopped");
          return true;
        }
        Thread.sleep(100);
      }
    }
    throw new CommandFailedException("the daemon did not stop within 30 s"
        + (pid.isPresent() ? " (pid " + pid.getAsLong() + ")" : ""));
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Show whether the daemon runs, its broker connection and queue.")
  static final class Status implements Callable<Integer> {
    private final CliContext context;

    @picocli.CommandLine.Mixin MeshOption mesh = new MeshOption();

    @Option(names = "--json", description = "print JSON")
    boolean json;

    Status(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      DaemonPaths paths = MeshLocator.locate(context.env(), mesh.mesh);
      PrintWriter out = context.out();
      try (DaemonClient client = DaemonClient.open(paths.socket())) {
        DaemonClient.Answer answer;
        try {
          answer = client.get(Routes.HEALTH);
        } catch (IOException e) {
          if (json) {
            Map<String, Object> down = new LinkedHashMap<>();
            down.put("running", false);
            down.put("socket", paths.socket().toString());
            out.println(dev.claudemesh.api.ApiJson.toJson(down));
          } else {
            out.println("not running (" + paths.socket() + " does not answer)");
          }
          return Main.FAILURE;
        }
        if (!answer.ok()) {
          throw new CommandFailedException("health failed: " + answer.problem().detail());
        }
        if (json) {
          out.println(answer.body());
          return Main.OK;
        }
        Health h = answer.as(Health.class);
        Table table = new Table("KEY", "VALUE");
        table.row("mesh", h.mesh());
        table.row("member", h.memberPubkey());
        table.row("connected", Boolean.toString(h.connected()));
        table.row("degraded", Boolean.toString(h.degraded()));
        table.row("queue_depth", Long.toString(h.queueDepth()));
        table.row("inflight", Long.toString(h.inflight()));
        table.row("dead", Long.toString(h.dead()));
        table.row("lag_ms", Long.toString(h.lagMs()));
        table.row("uptime_s", Long.toString(h.uptimeS()));
        table.row("daemon_version", h.daemonVersion());
        table.row("broker_version", h.brokerVersion() == null ? "-" : h.brokerVersion());
        table.row("socket", paths.socket().toString());
        table.print(out);
        return Main.OK;
      }
    }
  }

  @Command(name = "version", mixinStandardHelpOptions = true,
      description = "Print this command's version and the running daemon's.")
  static final class VersionCommand implements Callable<Integer> {
    private final CliContext context;

    @picocli.CommandLine.Mixin MeshOption mesh = new MeshOption();

    @Option(names = "--json", description = "print the daemon's /v1/version JSON")
    boolean json;

    VersionCommand(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      DaemonPaths paths = MeshLocator.locate(context.env(), mesh.mesh);
      try (DaemonClient client = DaemonClient.open(paths.socket())) {
        DaemonClient.Answer answer;
        try {
          answer = client.get(Routes.VERSION);
        } catch (IOException e) {
          context.out().println("claudemesh " + Peer.VERSION + " (no daemon running)");
          return Main.OK;
        }
        if (json) {
          context.out().println(answer.body());
          return Main.OK;
        }
        Version v = answer.as(Version.class);
        context.out().println("claudemesh " + Peer.VERSION + ", daemon " + v.daemonVersion()
            + ", ipc api " + v.ipcApi() + ", schema " + v.schemaVersion());
        return Main.OK;
      }
    }
  }

  @Command(name = "restart", mixinStandardHelpOptions = true,
      description = "Stop the daemon if it runs, then start it in the background.")
  static final class Restart implements Callable<Integer> {
    private final CliContext context;

    @picocli.CommandLine.Mixin MeshOption mesh = new MeshOption();

    @Option(names = "--persistent", description = "keep the identity on disk, even in CI")
    boolean persistent;

    Restart(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      DaemonPaths paths = MeshLocator.locate(context.env(), mesh.mesh);
      stop(context, paths);
      Up up = new Up(context);
      up.mesh.mesh = mesh.mesh;
      up.persistent = persistent;
      return up.call();
    }
  }

  @Command(name = "reload", mixinStandardHelpOptions = true,
      description = "Re-read config.toml without dropping the broker connection.")
  static final class Reload implements Callable<Integer> {
    private final CliContext context;

    @picocli.CommandLine.Mixin MeshOption mesh = new MeshOption();

    Reload(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      DaemonClient.Answer answer = control(context, mesh.mesh, "/v1/daemon/reload");
      @SuppressWarnings("unchecked")
      Map<String, Object> body = answer.as(Map.class);
      context.out().println("applied: " + body.get("applied"));
      context.out().println("need a restart: " + body.get("need_restart"));
      return Main.OK;
    }
  }

  @Command(name = "rotate-token", mixinStandardHelpOptions = true,
      description = "Write a new local_token; the old one is accepted for 60 s more.")
  static final class RotateToken implements Callable<Integer> {
    private final CliContext context;

    @picocli.CommandLine.Mixin MeshOption mesh = new MeshOption();

    RotateToken(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      control(context, mesh.mesh, "/v1/daemon/rotate-token");
      context.out().println("local_token rotated; the previous token works for 60 s more");
      return Main.OK;
    }
  }

  /** POSTs a control route of the running daemon; a daemon that does not answer is exit 1. */
  static DaemonClient.Answer control(CliContext context, @Nullable String mesh, String path)
      throws IOException {
    DaemonPaths paths = MeshLocator.locate(context.env(), mesh);
    try (DaemonClient client = DaemonClient.open(paths.socket())) {
      DaemonClient.Answer answer;
      try {
        answer = client.post(path, null, Map.of());
      } catch (IOException e) {
        throw noDaemon(paths);
      }
      if (!answer.ok()) {
        Problem p = answer.problem();
        throw new CommandFailedException(p.error() + ": " + p.detail());
      }
      return answer;
    }
  }

  static CommandFailedException noDaemon(DaemonPaths paths) {
    return new CommandFailedException("no daemon answers on " + paths.socket()
        + "; start one with `claudemesh daemon up`");
  }
}
