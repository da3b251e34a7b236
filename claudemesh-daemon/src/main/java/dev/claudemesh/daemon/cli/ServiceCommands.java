package dev.claudemesh.daemon.cli;

import dev.claudemesh.core.identity.DaemonPaths;
import dev.claudemesh.daemon.cli.Main.CommandFailedException;
import dev.claudemesh.daemon.service.ServiceFile;
import dev.claudemesh.daemon.service.ServiceInstaller;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code claudemesh daemon install-service} and {@code uninstall-service} (SPEC §10.2): a systemd
 * unit (Linux) or launchd plist (macOS) that runs this jar's {@code daemon up --foreground
 * --persistent} for one mesh. {@code --dry-run} prints the file and where it would go.
 */
final class ServiceCommands {
  private ServiceCommands() {}

  /** {@code --user} (default) or {@code --system}. */
  static final class ScopeOptions {
    @Option(names = "--user", description = "a service of this user (default)")
    boolean user;

    @Option(names = "--system", description = "a system service running as this user")
    boolean system;
  }

  @Command(name = "install-service", mixinStandardHelpOptions = true,
      description = "Install and start a service that keeps the daemon running.")
  static final class Install implements Callable<Integer> {
    private final CliContext context;

    @Mixin DaemonCommands.MeshOption mesh = new DaemonCommands.MeshOption();

    @ArgGroup(exclusive = true) @Nullable ScopeOptions scope;

    @Option(names = "--dry-run", description = "print the unit or plist and its path; write nothing")
    boolean dryRun;

    @Option(names = "--allow-ci-persistent", description = "install even in CI")
    boolean allowCi;

    Install(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      ServiceInstaller installer = installer(context, mesh.mesh, scope, allowCi);
      if (dryRun) {
        ServiceFile file = installer.render();
        context.out().println("# " + file.path());
        context.out().print(file.content());
        context.out().flush();
        return Main.OK;
      }
      ServiceFile file = installer.install();
      context.out().println("installed and started " + file.name() + " (" + file.path() + ")");
      return Main.OK;
    }
  }

  @Command(name = "uninstall-service", mixinStandardHelpOptions = true,
      description = "Stop, disable and remove the daemon's service.")
  static final class Uninstall implements Callable<Integer> {
    private final CliContext context;

    @Mixin DaemonCommands.MeshOption mesh = new DaemonCommands.MeshOption();

    @ArgGroup(exclusive = true) @Nullable ScopeOptions scope;

    Uninstall(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      Path removed = installer(context, mesh.mesh, scope, true).uninstall();
      context.out().println("removed " + removed);
      return Main.OK;
    }
  }

  static ServiceInstaller installer(CliContext context, @Nullable String mesh,
      @Nullable ScopeOptions scope, boolean allowCi) {
    DaemonPaths paths = MeshLocator.locate(context.env(), mesh);
    return ServiceInstaller.builder()
        .meshSlug(paths.dir().getFileName().toString())
        .jar(thisJar())
        .scope(scope != null && scope.system ? ServiceInstaller.Scope.SYSTEM
            : ServiceInstaller.Scope.USER)
        .environment(context.env())
        .allowCiPersistent(allowCi)
        .build();
  }

  /** The jar this command runs from; a service needs it (not a classes directory). */
  static Path thisJar() {
    try {
      Path location = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation()
          .toURI()).toAbsolutePath();
      if (!Files.isRegularFile(location) || !location.toString().endsWith(".jar")) {
        throw new CommandFailedException("a service runs claudemesh.jar; run this command as"
            + " `java -jar claudemesh.jar daemon install-service` (running from " + location + ")");
      }
      return location;
    } catch (URISyntaxException | SecurityException | NullPointerException e) {
      throw new CommandFailedException("cannot tell where claudemesh.jar is: " + e.getMessage());
    }
  }
}
