package dev.claudemesh.daemon.service;

import dev.claudemesh.core.identity.DaemonPaths;
import dev.claudemesh.core.identity.IdentityMode;
import dev.claudemesh.core.internal.SecureFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Installs and removes the service that keeps one mesh's daemon running (SPEC §10.2): a systemd
 * unit on Linux, a launchd property list on macOS, chosen from {@code os.name}.
 *
 * <p>The service runs {@code <java> -jar <claudemesh.jar> daemon up --foreground --persistent
 * --mesh <slug>}: a service is a persistent daemon by definition, so CI (where the daemon would
 * otherwise run ephemeral, SPEC §2.2) is refused unless {@link Builder#allowCiPersistent} is set.
 *
 * <p>{@link #render()} has no side effects ({@code --dry-run}); {@link #install()} and {@link
 * #uninstall()} write or delete the file and drive the service manager through the {@link
 * CommandRunner}. Not thread-safe; one instance per command.
 */
public final class ServiceInstaller {
  /** Where the service runs: the user's own service manager, or the system's with {@code User=}. */
  public enum Scope {
    USER,
    SYSTEM
  }

  /** The service manager the file is for. */
  public enum Manager {
    SYSTEMD,
    LAUNCHD
  }

  private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}");

  private final Plan plan;
  private final Map<String, String> env;
  private final boolean allowCiPersistent;
  private final CommandRunner runner;

  private ServiceInstaller(Plan plan, Map<String, String> env, boolean allowCiPersistent, CommandRunner runner) {
    this.plan = plan;
    this.env = env;
    this.allowCiPersistent = allowCiPersistent;
    this.runner = runner;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The file that {@link #install()} would write, and where; writes nothing. */
  public ServiceFile render() {
    String content = plan.manager == Manager.SYSTEMD ? SystemdUnit.render(plan) : LaunchdPlist.render(plan);
    return new ServiceFile(plan.manager, plan.name(), plan.file, content);
  }

  /**
   * Writes the service file (mode 0644, atomically) and enables and starts the service: {@code
   * systemctl [--user] daemon-reload}, {@code systemctl [--user] enable --now <unit>}, or {@code
   * launchctl load -w <plist>}. Installing again replaces the file.
   *
   * @throws ServiceException {@code REFUSED_IN_CI} in CI without {@code --allow-ci-persistent};
   *     {@code COMMAND_FAILED} with the command's output when the service manager refuses
   * @throws NoSuchFileException for a system service whose claudemesh directory does not exist
   * @throws IOException if the file cannot be written or a command cannot be run
   */
  public ServiceFile install() throws IOException {
    refuseInCi();
    ServiceFile file = render();
    // ProtectSystem=strict makes everything else read-only, and a ReadWritePaths= entry that does
    // not exist makes the unit fail to start. A user service creates its own directory; a system
    // service (run as root) must not create root-owned directories in the user's home.
    for (Path path : plan.writableDirs) {
      if (plan.scope == Scope.USER) {
        SecureFiles.createPrivateDirectories(path);
      } else if (!Files.isDirectory(path)) {
        throw new NoSuchFileException(path.toString(), null,
            "the claudemesh directory does not exist; join the mesh as " + plan.userName + " first");
      }
    }
    Files.createDirectories(file.path().toAbsolutePath().getParent());
    SecureFiles.writeAtomically(file.path(), file.content().getBytes(StandardCharsets.UTF_8), SecureFiles.FILE_0644);
    if (plan.manager == Manager.SYSTEMD) {
      run(systemctl("daemon-reload"), file);
      run(systemctl("enable", "--now", plan.name()), file);
    } else {
      run(List.of("launchctl", "load", "-w", file.path().toString()), file);
    }
    return file;
  }

  /**
   * Stops and disables the service and deletes its file: {@code systemctl [--user] disable --now
   * <unit>}, delete, {@code systemctl [--user] daemon-reload}; or {@code launchctl unload -w
   * <plist>}, delete. When stopping fails the file is kept, so the command can be repeated.
   *
   * @return the path of the deleted file
   * @throws ServiceException {@code NOT_INSTALLED} when there is no service file; {@code
   *     COMMAND_FAILED} with the command's output when the service manager refuses
   */
  public Path uninstall() throws IOException {
    ServiceFile file = render();
    if (!Files.exists(file.path(), LinkOption.NOFOLLOW_LINKS)) {
      throw new ServiceException(ServiceException.Reason.NOT_INSTALLED,
          "no " + describe() + " for mesh " + plan.meshSlug + " at " + file.path() + "; nothing to uninstall");
    }
    if (plan.manager == Manager.SYSTEMD) {
      run(systemctl("disable", "--now", plan.name()), file);
      Files.delete(file.path());
      run(systemctl("daemon-reload"), file);
    } else {
      run(List.of("launchctl", "unload", "-w", file.path().toString()), file);
      Files.delete(file.path());
    }
    return file.path();
  }

  private void refuseInCi() throws ServiceException {
    IdentityMode.Decision decision = IdentityMode.decide(env, false, false);
    if (decision.mode() == IdentityMode.EPHEMERAL && !allowCiPersistent) {
      throw new ServiceException(ServiceException.Reason.REFUSED_IN_CI,
          "refusing to install a persistent service in CI: " + decision.reason().replace("; --persistent overrides", "")
              + "; pass --allow-ci-persistent if this machine really should keep a daemon for mesh "
              + plan.meshSlug);
    }
  }

  private List<String> systemctl(String... args) {
    List<String> command = new ArrayList<>();
    command.add("systemctl");
    if (plan.scope == Scope.USER) {
      command.add("--user");
    }
    command.addAll(List.of(args));
    return command;
  }

  private void run(List<String> command, ServiceFile file) throws IOException {
    CommandRunner.Result result = runner.run(command);
    if (result.exitCode() != 0) {
      String output = result.output().strip();
      throw new ServiceException(ServiceException.Reason.COMMAND_FAILED,
          "`" + String.join(" ", command) + "` exited with " + result.exitCode() + " (" + describe() + " "
              + file.path() + ")" + (output.isEmpty() ? "" : ": " + output));
    }
  }

  private String describe() {
    return plan.manager == Manager.SYSTEMD
        ? "systemd " + plan.scope.name().toLowerCase(Locale.ROOT) + " unit"
        : "launchd " + (plan.scope == Scope.USER ? "agent" : "daemon");
  }

  @Override
  public String toString() {
    return "ServiceInstaller{" + describe() + " " + plan.file + "}";
  }

  /** Everything a renderer needs, decided once in {@link Builder#build()}. */
  static final class Plan {
    final Manager manager;
    final Scope scope;
    final String meshSlug;
    final Path file;
    final List<String> command;
    final Map<String, String> environment;
    final List<Path> writableDirs;
    final String userName;
    final String memoryMax;

    Plan(Manager manager, Scope scope, String meshSlug, Path file, List<String> command,
        Map<String, String> environment, List<Path> writableDirs, String userName, String memoryMax) {
      this.manager = manager;
      this.scope = scope;
      this.meshSlug = meshSlug;
      this.file = file;
      this.command = List.copyOf(command);
      this.environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
      this.writableDirs = List.copyOf(writableDirs);
      this.userName = userName;
      this.memoryMax = memoryMax;
    }

    Scope scope() {
      return scope;
    }

    String meshSlug() {
      return meshSlug;
    }

    String name() {
      return manager == Manager.SYSTEMD ? "claudemesh-" + meshSlug + ".service" : "dev.claudemesh." + meshSlug;
    }

    List<String> command() {
      return command;
    }

    Map<String, String> environment() {
      return environment;
    }

    List<String> writablePaths() {
      List<String> paths = new ArrayList<>();
      for (Path dir : writableDirs) {
        paths.add(dir.toString());
      }
      return paths;
    }

    String userName() {
      return userName;
    }

    String memoryMax() {
      return memoryMax;
    }
  }

  /** Collects the mesh, the jar and the scope; everything else defaults to this process. */
  public static final class Builder {
    private @Nullable String meshSlug;
    private @Nullable Path jar;
    private Scope scope = Scope.USER;
    private Path javaBinary = Path.of(System.getProperty("java.home"), "bin", "java");
    private Map<String, String> env = System.getenv();
    private String osName = System.getProperty("os.name", "");
    private Path userHome = Path.of(System.getProperty("user.home"));
    private String userName = System.getProperty("user.name", "");
    private Path root = Path.of("/");
    private boolean allowCiPersistent;
    private CommandRunner runner = CommandRunner.processes(120);

    Builder() {}

    /** The mesh whose daemon the service runs. Required. */
    public Builder meshSlug(String meshSlug) {
      this.meshSlug = Objects.requireNonNull(meshSlug, "meshSlug == null");
      return this;
    }

    /** The {@code claudemesh.jar} the service runs. Required; made absolute. */
    public Builder jar(Path jar) {
      this.jar = Objects.requireNonNull(jar, "jar == null").toAbsolutePath().normalize();
      return this;
    }

    /** {@code --user} (the default) or {@code --system}. */
    public Builder scope(Scope scope) {
      this.scope = Objects.requireNonNull(scope, "scope == null");
      return this;
    }

    /** The {@code java} launcher; defaults to the one running this process. */
    public Builder javaBinary(Path javaBinary) {
      this.javaBinary = Objects.requireNonNull(javaBinary, "javaBinary == null").toAbsolutePath().normalize();
      return this;
    }

    /** The environment: {@code CLAUDEMESH_HOME}, {@code CLAUDEMESH_DAEMON_DIR}, CI variables. */
    public Builder environment(Map<String, String> env) {
      this.env = Map.copyOf(Objects.requireNonNull(env, "env == null"));
      return this;
    }

    /** Chooses systemd or launchd; defaults to the {@code os.name} system property. */
    public Builder osName(String osName) {
      this.osName = Objects.requireNonNull(osName, "osName == null");
      return this;
    }

    /** Where user units and agents go; defaults to {@code user.home}. */
    public Builder userHome(Path userHome) {
      this.userHome = Objects.requireNonNull(userHome, "userHome == null").toAbsolutePath();
      return this;
    }

    /** {@code User=} of a system-scope service; defaults to {@code user.name}. */
    public Builder userName(String userName) {
      this.userName = Objects.requireNonNull(userName, "userName == null");
      return this;
    }

    /** {@code --allow-ci-persistent}: install even when CI is detected. */
    public Builder allowCiPersistent(boolean allowCiPersistent) {
      this.allowCiPersistent = allowCiPersistent;
      return this;
    }

    /** Runs {@code systemctl}/{@code launchctl}; defaults to child processes. */
    public Builder commandRunner(CommandRunner runner) {
      this.runner = Objects.requireNonNull(runner, "runner == null");
      return this;
    }

    /** The file system root under which system-scope files go ({@code /etc/systemd/system}); tests only. */
    Builder root(Path root) {
      this.root = Objects.requireNonNull(root, "root == null").toAbsolutePath();
      return this;
    }

    /**
     * Decides the service manager, paths and command line.
     *
     * @throws IllegalStateException if the mesh or the jar is missing, or the OS has neither
     *     systemd nor launchd
     * @throws IllegalArgumentException if the slug or the user name cannot be used
     */
    public ServiceInstaller build() {
      if (meshSlug == null) {
        throw new IllegalStateException("meshSlug is required");
      }
      if (jar == null) {
        throw new IllegalStateException("jar is required");
      }
      DaemonPaths paths = DaemonPaths.resolve(env, meshSlug); // validates the slug
      Manager manager = manager(osName);
      if (scope == Scope.SYSTEM && !USER_NAME.matcher(userName).matches()) {
        throw new IllegalArgumentException("cannot run a system service as user \"" + userName + "\"");
      }

      List<String> command = List.of(javaBinary.toString(), "-jar", jar.toString(),
          "daemon", "up", "--foreground", "--persistent", "--mesh", meshSlug);
      Map<String, String> environment = new LinkedHashMap<>();
      List<Path> writable = new ArrayList<>();
      writable.add(paths.home());
      String home = env.get(DaemonPaths.ENV_HOME);
      if (home != null && !home.isBlank()) {
        environment.put(DaemonPaths.ENV_HOME, paths.home().toString());
      }
      String daemonDir = env.get(DaemonPaths.ENV_DAEMON_DIR);
      if (daemonDir != null && !daemonDir.isBlank()) {
        environment.put(DaemonPaths.ENV_DAEMON_DIR, paths.dir().toString());
        if (!paths.dir().startsWith(paths.home())) {
          writable.add(paths.dir());
        }
      }

      String name = manager == Manager.SYSTEMD ? "claudemesh-" + meshSlug + ".service" : "dev.claudemesh." + meshSlug + ".plist";
      Path file;
      if (manager == Manager.SYSTEMD) {
        file = scope == Scope.USER
            ? userConfigHome().resolve("systemd").resolve("user").resolve(name)
            : root.resolve("etc/systemd/system").resolve(name);
      } else {
        file = scope == Scope.USER
            ? userHome.resolve("Library/LaunchAgents").resolve(name)
            : root.resolve("Library/LaunchDaemons").resolve(name);
      }
      Plan plan = new Plan(manager, scope, meshSlug, file, command, environment, writable, userName,
          SystemdUnit.MEMORY_MAX);
      return new ServiceInstaller(plan, env, allowCiPersistent, runner);
    }

    /** {@code $XDG_CONFIG_HOME} when it is absolute (as systemd requires), else {@code ~/.config}. */
    private Path userConfigHome() {
      String xdg = env.get("XDG_CONFIG_HOME");
      if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
        return Path.of(xdg);
      }
      return userHome.resolve(".config");
    }

    private static Manager manager(String osName) {
      String os = osName.toLowerCase(Locale.ROOT);
      if (os.contains("mac") || os.contains("darwin")) {
        return Manager.LAUNCHD;
      }
      if (os.contains("linux")) {
        return Manager.SYSTEMD;
      }
      throw new IllegalStateException(
          "install-service supports Linux (systemd) and macOS (launchd), not " + osName);
    }
  }
}
