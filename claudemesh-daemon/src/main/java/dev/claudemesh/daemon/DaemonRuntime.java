package dev.claudemesh.daemon;

import dev.claudemesh.core.Peer;
import dev.claudemesh.core.identity.DaemonPaths;
import dev.claudemesh.core.identity.IdentityMode;
import dev.claudemesh.core.identity.LocalTokens;
import dev.claudemesh.core.internal.SecureFiles;
import dev.claudemesh.daemon.config.ConfigKey;
import dev.claudemesh.daemon.config.DaemonConfig;
import dev.claudemesh.daemon.config.Environment;
import dev.claudemesh.daemon.hooks.HookManager;
import dev.claudemesh.daemon.hooks.HookTokens;
import dev.claudemesh.daemon.hooks.HookTriggers;
import dev.claudemesh.daemon.ipc.ControlPort;
import dev.claudemesh.daemon.ipc.IpcServer;
import dev.claudemesh.daemon.ipc.PeerPorts;
import dev.claudemesh.daemon.metrics.DaemonMetrics;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running daemon (SPEC §3, §10): the sealed config, the pid file, the core {@link Peer} and
 * the {@link IpcServer} that serves it on {@code daemon.sock} and, where the environment allows,
 * loopback TCP. {@link #start} brings them up in that order and undoes what it did when a step
 * fails; {@link #close()} takes them down in reverse. {@link #awaitStop()} blocks until a
 * {@code POST /v1/daemon/shutdown}, {@link #requestStop()} or {@link #close()}.
 */
public final class DaemonRuntime implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DaemonRuntime.class);

  private final DaemonPaths paths;
  private final Environment environment;
  private final PidFile pidFile;
  private final Peer peer;
  private final LocalTokens tokens;
  private final IpcServer ipc;
  private final HookManager hooks;
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private volatile DaemonConfig config;
  private volatile boolean closed;

  private DaemonRuntime(DaemonPaths paths, Environment environment, DaemonConfig config,
      PidFile pidFile, Peer peer, LocalTokens tokens, IpcServer.Builder ipc, HookManager hooks) {
    this.paths = paths;
    this.environment = environment;
    this.config = config;
    this.pidFile = pidFile;
    this.peer = peer;
    this.tokens = tokens;
    this.ipc = ipc.control(new Control()).build();
    this.hooks = hooks;
  }

  /** How to start: where, in which environment, and the identity flags of {@code daemon up}. */
  public static final class Options {
    private final DaemonPaths paths;
    private Map<String, String> env = System.getenv();
    private boolean persistent;
    private boolean ephemeral;
    private boolean container;
    private Clock clock = Clock.systemUTC();
    private String @Nullable [] ephemeralJoin;
    private @Nullable Duration ttl;

    public Options(DaemonPaths paths) {
      this.paths = Objects.requireNonNull(paths, "paths == null");
    }

    public Options env(Map<String, String> env) {
      this.env = Map.copyOf(env);
      return this;
    }

    /** {@code --persistent}: keep the identity on disk even in CI. */
    public Options persistent(boolean persistent) {
      this.persistent = persistent;
      return this;
    }

    /** {@code --ephemeral}. */
    public Options ephemeral(boolean ephemeral) {
      this.ephemeral = ephemeral;
      return this;
    }

    /** {@code --container}. */
    public Options container(boolean container) {
      this.container = container;
      return this;
    }

    /**
     * Where an ephemeral daemon joins at start (SPEC §2.2): needed when the identity is ephemeral
     * ({@code --ephemeral}, or CI without {@code --persistent}).
     */
    public Options ephemeralJoin(String brokerUrl, String invite, String displayName) {
      this.ephemeralJoin = new String[] {brokerUrl, invite, displayName};
      return this;
    }

    /** {@code --ttl}: an ephemeral daemon stops by itself after this long. */
    public Options ttl(Duration ttl) {
      if (ttl.isNegative() || ttl.isZero()) {
        throw new IllegalArgumentException("ttl must be positive, got " + ttl);
      }
      this.ttl = ttl;
      return this;
    }

    public Options clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }
  }

  /**
   * Starts a daemon: config, pid file, peer (identity, stores, broker connection), IPC server.
   *
   * @throws dev.claudemesh.daemon.config.ConfigException when {@code config.toml} cannot be used
   * @throws dev.claudemesh.core.identity.IdentityUnavailableException when the host check refuses
   * @throws IllegalStateException when another daemon runs here, the directory has not joined, or
   *     an ephemeral identity has no invite to join with
   * @throws IOException when a file or the socket cannot be used
   */
  public static DaemonRuntime start(Options o) throws IOException {
    Environment environment = Environment.detect(o.env, o.container);
    IdentityMode.Decision identity = IdentityMode.decide(o.env, o.persistent, o.ephemeral);
    boolean ephemeral = identity.mode() == IdentityMode.EPHEMERAL;
    if (ephemeral && o.ephemeralJoin == null) {
      throw new IllegalStateException("this daemon runs with an ephemeral identity ("
          + identity.reason() + "), which joins the mesh afresh at every start: give an invite"
          + " (--invite or CLAUDEMESH_INVITE) and the broker URL (--broker or"
          + " CLAUDEMESH_BROKER_URL), or pass --persistent to keep the member's keys in "
          + o.paths.dir());
    }
    if (!ephemeral && o.ttl != null) {
      throw new IllegalStateException("--ttl applies to an ephemeral daemon only");
    }
    if (environment.kind() == Environment.Kind.RUNPOD) {
      log.info("RUNPOD_POD_ID is set: a single-tenant container, running persistent");
    }
    SecureFiles.createPrivateDirectories(o.paths.dir());
    DaemonConfig config = DaemonConfig.load(o.paths, environment);
    PidFile pid = PidFile.acquire(o.paths.pidFile());
    Peer peer = null;
    HookManager hooks = null;
    try {
      Peer.Builder pb = Peer.builder(o.paths).env(o.env).clock(o.clock).persistent(!ephemeral)
          .clonePolicy(config.clonePolicy())
          .hostIdOverride(config.cloneIdOverride().orElse(null))
          .keyGrace(config.keyGracePeriod())
          .requireFeatures(config.requiredFeatures())
          .optionalFeatures(config.optionalFeatures())
          .outboxMaxBytes(config.outboxMaxBytes())
          .inboxRetention(config.inboxRetention());
      config.maxAgeHoursOverride().ifPresent(pb::maxAgeOverrideHours);
      if (ephemeral) {
        pb.ephemeral(o.ephemeralJoin[0], o.ephemeralJoin[1], o.ephemeralJoin[2]);
      }
      peer = pb.open();
      LocalTokens tokens = LocalTokens.openOrCreate(o.paths.localToken(), o.clock);
      DaemonMetrics metrics = DaemonMetrics.forPeer(peer);
      HookTokens hookTokens = new HookTokens(o.clock);
      Peer opened = peer;
      hooks = HookManager.builder()
          .hooksDir(o.paths.hooksDir())
          .mesh(peer.mesh().slug())
          .socket(o.paths.socket())
          .enabled(config.hooksEnabled())
          .bus(peer.eventBus())
          .self(new HookTriggers.Self(peer.mesh().displayName(), peer.memberPubkey(),
              peer.mesh().memberId()))
          .tokens(hookTokens)
          .clock(o.clock)
          .metrics(metrics.hookCounters())
          .alreadyAccepted(id -> {
            try {
              return opened.outbox().find(id).isPresent();
            } catch (IOException e) {
              return false;
            }
          })
          .build();
      metrics.hookGauges(hooks::queued, hooks::running, hookTokens::liveCount,
          hookTokens::refusedCount);
      IpcServer.Builder ipc = PeerPorts.serve(
          IpcServer.builder(o.paths).config(config).tokens(tokens)
              .capabilities(hookTokens).sendGate(hooks), peer,
          config.requiredFeatures(), o.clock, metrics);
      DaemonRuntime daemon = new DaemonRuntime(o.paths, environment, config, pid, peer, tokens,
          ipc, hooks);
      hooks.load(); // before the socket serves: pre-send gates the first send already
      daemon.ipc.start();
      hooks.start();
      if (o.ttl != null) {
        Duration ttl = o.ttl;
        Thread timer = new Thread(() -> {
          try {
            if (!daemon.awaitStop(ttl)) {
              log.info("ephemeral daemon reached its ttl of {}; stopping", ttl);
              daemon.requestStop();
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }, "claudemesh-ttl");
        timer.setDaemon(true);
        timer.start();
      }
      log.info("daemon {} serving mesh {} as {} (pid {})", Peer.VERSION, peer.mesh().slug(),
          peer.memberPubkey(), pid.pid());
      return daemon;
    } catch (IOException | RuntimeException e) {
      if (hooks != null) {
        hooks.close();
      }
      if (peer != null) {
        peer.close();
      }
      pid.close();
      throw e;
    }
  }

  public DaemonPaths paths() {
    return paths;
  }

  public Peer peer() {
    return peer;
  }

  /** The hook runner (SPEC §9); off unless {@code [hooks] enabled}. */
  public HookManager hooks() {
    return hooks;
  }

  public DaemonConfig config() {
    return config;
  }

  public Environment environment() {
    return environment;
  }

  /** The bound TCP port, or -1 when TCP is off. */
  public int tcpPort() {
    return ipc.tcpPort();
  }

  /** Asks {@link #awaitStop()} to return; the caller then closes the daemon. */
  public void requestStop() {
    stopRequested.countDown();
  }

  /** Blocks until a stop is requested or the daemon is closed. */
  public void awaitStop() throws InterruptedException {
    stopRequested.await();
  }

  /**
   * Serves until a stop is requested (control route, ttl) or the JVM is asked to exit (SIGTERM,
   * Ctrl-C: a shutdown hook closes the daemon), then closes it: {@code daemon up --foreground}.
   */
  public void runUntilStopped() throws InterruptedException {
    Thread hook = new Thread(this::close, "claudemesh-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      awaitStop();
    } finally {
      close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException exiting) {
        // the JVM is already exiting and the hook has run
      }
    }
  }

  /** Blocks at most {@code timeout}; true when a stop was requested. */
  public boolean awaitStop(Duration timeout) throws InterruptedException {
    return stopRequested.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Stops serving, closes the peer (rows in flight go back to pending at the next start), removes the pid file. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    log.info("daemon stopping");
    try {
      ipc.close(); // first: no send is accepted while the hooks stop
    } finally {
      try {
        hooks.close();
        peer.close();
      } finally {
        pidFile.close();
        stopRequested.countDown();
      }
    }
    log.info("daemon stopped");
  }

  @Override
  public String toString() {
    return "DaemonRuntime{" + paths.dir() + ", closed=" + closed + "}";
  }

  private final class Control implements ControlPort {
    @Override
    public ReloadResult reload() {
      DaemonConfig.Reload reload = config.reload();
      DaemonConfig next = reload.config();
      List<String> applied = new ArrayList<>();
      List<String> needRestart = new ArrayList<>();
      for (ConfigKey key : reload.changed()) {
        String name = "[" + key.table() + "] " + key.keyName();
        if (key == ConfigKey.IPC_PUBLIC_HEALTH_CHECK || key == ConfigKey.IPC_ORIGIN_ALLOWLIST) {
          applied.add(name);
        } else {
          needRestart.add(name);
        }
      }
      ipc.applyLive(next);
      config = next;
      hooks.reload().ifPresent(applied::add); // hooks.toml: what it now enables, or why none
      if (!needRestart.isEmpty()) {
        log.warn("config reload: {} changed and keep their running value until a restart",
            needRestart);
      }
      log.info("config reloaded: applied {}", applied);
      return new ReloadResult(applied, needRestart);
    }

    @Override
    public void rotateToken() throws IOException {
      tokens.rotate();
      log.info("local token rotated; the previous one is accepted for {} s",
          LocalTokens.ROTATION_GRACE.toSeconds());
    }

    @Override
    public void shutdown() {
      log.info("shutdown requested over the socket");
      // after the answer has gone out: stopping the server at once would cut it off
      CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS)
          .execute(DaemonRuntime.this::requestStop);
    }
  }
}
