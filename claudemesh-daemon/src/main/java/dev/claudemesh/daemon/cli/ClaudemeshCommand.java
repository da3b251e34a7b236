package dev.claudemesh.daemon.cli;

import dev.claudemesh.core.Peer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** The root of {@code claudemesh}: every command of SPEC §10.1. */
@Command(name = "claudemesh", mixinStandardHelpOptions = true,
    versionProvider = ClaudemeshCommand.VersionProvider.class,
    description = "A durable member of a claudemesh mesh: daemon, local API and tools.",
    subcommands = {
        DevCommand.class, DemoCommand.class,
        MeshCommands.Join.class, MeshCommands.Send.class, MeshCommands.Inbox.class,
        MeshCommands.Peers.class, DaemonCommands.class})
final class ClaudemeshCommand implements Callable<Integer> {
  private final CliContext context;

  ClaudemeshCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    context.err().println("claudemesh: a command is required; try `claudemesh demo` or --help");
    return Main.USAGE;
  }

  static final class VersionProvider implements picocli.CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"claudemesh " + Peer.VERSION};
    }
  }
}
