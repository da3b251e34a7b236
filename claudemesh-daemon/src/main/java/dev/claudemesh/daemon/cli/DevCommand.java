package dev.claudemesh.daemon.cli;

import dev.claudemesh.core.Peer;
import dev.claudemesh.core.identity.DaemonPaths;
import dev.claudemesh.core.identity.MeshConfig;
import dev.claudemesh.daemon.DaemonRuntime;
import dev.claudemesh.daemon.logging.DaemonLogging;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.slf4j.event.Level;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code claudemesh dev [--name N]} (SPEC §10.1): a reference broker on loopback under
 * {@code $CLAUDEMESH_HOME/dev-broker/} (reused when one already runs), mesh {@code dev}, this host
 * joined to it, and the daemon in the foreground until Ctrl-C. The daemon directory is
 * {@code daemon/dev}, or {@code daemon/dev-<name>} with {@code --name}, so several dev members
 * can run on one host. The identity is persistent: a dev member keeps its key across runs.
 */
@Command(name = "dev", mixinStandardHelpOptions = true,
    description = "Local broker + mesh `dev` + daemon in the foreground (the embedded default).")
final class DevCommand implements Callable<Integer> {
  static final String MESH = "dev";

  private final CliContext context;

  @Option(names = "--name", description = "display name and daemon directory suffix")
  @Nullable String name;

  @Option(names = "--broker-port", description = "port of a new dev broker (default: as before,"
      + " else a free one)")
  int brokerPort;

  DevCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = context.out();
    String dirName = name == null ? MESH : MESH + "-" + slugPart(name);
    DaemonPaths paths = context.env().containsKey(DaemonPaths.ENV_DAEMON_DIR)
        ? MeshLocator.directory(context.env(), null)
        : DaemonPaths.resolve(context.env(), dirName);
    if (context.ownsLogging()) {
      DaemonLogging.install(paths.dir(), Level.INFO, false);
      out.println("logging to " + paths.daemonLog());
    }
    try (DevBroker broker = DevBroker.startOrReuse(
        DaemonPaths.home(context.env()).resolve("dev-broker"), brokerPort)) {
      out.println((broker.reused() ? "reusing the dev broker at " : "dev broker serving ")
          + broker.wsUrl());
      broker.ensureMesh(MESH);
      if (!Files.exists(paths.meshJson())) {
        String displayName = name != null ? name : MeshCommands.defaultName(context.env());
        MeshConfig joined = Peer.join(paths, context.env(), broker.wsUrl(), broker.invite(MESH),
            displayName);
        out.println("joined mesh dev as " + joined.displayName() + " in " + paths.dir());
      }
      DaemonRuntime daemon = DaemonRuntime.start(new DaemonRuntime.Options(paths)
          .env(context.env()).persistent(true));
      out.println("daemon serving " + paths.socket()
          + (daemon.tcpPort() >= 0 ? " and 127.0.0.1:" + daemon.tcpPort() : ""));
      out.println("try:  claudemesh --help | claudemesh peers | claudemesh send <name> hello");
      out.println("      curl --unix-socket " + paths.socket() + " http://localhost/v1/health");
      out.println("stop with Ctrl-C");
      out.flush();
      daemon.runUntilStopped();
    }
    return Main.OK;
  }

  static String slugPart(String name) {
    String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-")
        .replaceAll("^[^a-z0-9]+", "");
    if (s.isEmpty()) {
      throw new Main.CommandFailedException("--name must contain a letter or digit", Main.USAGE);
    }
    return s.length() > 50 ? s.substring(0, 50) : s;
  }
}
