package dev.claudemesh.daemon.hooks;

import dev.claudemesh.api.ErrorCodes;
import dev.claudemesh.api.Problem;
import dev.claudemesh.api.SendRequest;
import dev.claudemesh.core.events.EventBus;
import dev.claudemesh.core.events.EventKinds;
import dev.claudemesh.core.events.PeerEvent;
import dev.claudemesh.core.internal.SecureFiles;
import dev.claudemesh.daemon.ipc.SendGate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Runs the hooks of SPEC §9 for one daemon.
 *
 * <p>Inbound hooks listen on the event bus, so they start only for events the core published
 * after its inbox commit, once per new row (a duplicate delivery publishes no event). The bus
 * listener only queues the run; a pool of {@value #POOL_SIZE} threads runs the hooks, with at most
 * {@value #QUEUE_LIMIT} runs waiting. When the queue is full a run is dropped, audited and counted
 * ({@code cm_daemon_hook_dropped_total}): a slow hook never slows the inbox, its acks or the
 * outbox drain, which never wait for a hook.
 *
 * <p>{@code pre-send} is the exception: it is the last gate of a send, so the request waits for
 * it (at most {@value #POOL_SIZE} at once, on their own slots so inbound hooks cannot starve
 * sends). Exit 0 lets the send through; anything else (a non-zero exit, a timeout, a hook that
 * cannot start) refuses it with 403 {@code pre_send_rejected}, and nothing is written. A retry of
 * a send the outbox already holds is answered by the outbox without asking the hook again.
 *
 * <p>A hook runs only when hooks are on ({@code [hooks] enabled}, off by default in CI), {@code
 * hooks.toml} exists, is valid and has an enabled table for it, and {@code hooks/<name>} is a
 * regular executable file no one but the owner can write. Its run gets the event JSON on stdin
 * (redacted, then cut to 256 KiB), exactly the environment of §9, a capability token when its
 * policy grants one (revoked when it exits), and is audited as one log line (logger {@value
 * #AUDIT_LOGGER}, fields as key-value pairs) and published as a {@code hook_executed} event.
 */
public final class HookManager implements SendGate, AutoCloseable {
  /** Hooks running at once (SPEC §9). */
  public static final int POOL_SIZE = 8;
  /** Runs waiting for the pool; more are dropped. */
  public static final int QUEUE_LIMIT = 1024;
  /** The only {@code PATH} a hook gets. */
  public static final String PATH = "/usr/bin:/bin";
  /** The logger of the audit lines. */
  public static final String AUDIT_LOGGER = "dev.claudemesh.hooks.audit";
  /** How long a send waits for one of the {@value #POOL_SIZE} pre-send slots before a 429. */
  static final Duration PRE_SEND_SLOT_WAIT = Duration.ofSeconds(1);
  /** Output kept in an audit line when the hook's {@code audit = "output"}. */
  static final int AUDIT_OUTPUT_LIMIT = 4096;

  private static final Logger log = LoggerFactory.getLogger(HookManager.class);
  private static final Logger audit = LoggerFactory.getLogger(AUDIT_LOGGER);

  /** How a run ended. */
  public enum Outcome {
    /** Exit 0. */
    OK("ok"),
    /** A non-zero exit. */
    FAILED("failed"),
    /** Killed at its timeout. */
    TIMED_OUT("timed_out"),
    /** The process could not be started. */
    NOT_STARTED("not_started"),
    /** Never queued: the queue was full or the daemon was stopping. */
    DROPPED("dropped");

    private final String wire;

    Outcome(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }
  }

  /** One finished run, as the audit line and the {@code hook_executed} event tell it. */
  public record Run(String hook, String eventId, String trigger, Outcome outcome, int exitCode,
      Duration duration, HookProcess.@Nullable Result result) {
    @Override
    public String toString() {
      return "Run{" + hook + " " + eventId + " " + outcome.wire() + "}";
    }
  }

  private final Path hooksDir;
  private final String mesh;
  private final Path socket;
  private final boolean enabled;
  private final EventBus bus;
  private final HookTriggers triggers;
  private final HookTokens tokens;
  private final Clock clock;
  private final HookMetrics metrics;
  private final Predicate<String> alreadyAccepted;
  private final Supplier<NetworkIsolation> isolationProbe;
  private final Duration killGrace;
  private final Consumer<Map<String, Object>> auditListener;
  private final ThreadPoolExecutor pool;
  private final Semaphore preSendSlots = new Semaphore(POOL_SIZE);
  private final AtomicInteger running = new AtomicInteger();
  private final Set<String> said = ConcurrentHashMap.newKeySet();
  private volatile @Nullable HooksConfig config;
  /** {@code hooks.toml} exists but could not be used, and no earlier reading is in force. */
  private volatile boolean invalid;
  private volatile @Nullable NetworkIsolation isolation;
  private volatile boolean closed;
  private EventBus.@Nullable Subscription subscription;

  private HookManager(Builder b) {
    this.hooksDir = Objects.requireNonNull(b.hooksDir, "hooksDir");
    this.mesh = Objects.requireNonNull(b.mesh, "mesh");
    this.socket = Objects.requireNonNull(b.socket, "socket");
    this.enabled = b.enabled;
    this.bus = Objects.requireNonNull(b.bus, "bus");
    this.triggers = new HookTriggers(Objects.requireNonNull(b.self, "self"));
    this.tokens = Objects.requireNonNull(b.tokens, "tokens");
    this.clock = b.clock;
    this.metrics = b.metrics;
    this.alreadyAccepted = b.alreadyAccepted;
    this.isolationProbe = b.isolation;
    this.killGrace = b.killGrace;
    this.auditListener = b.auditListener;
    AtomicInteger n = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(POOL_SIZE, POOL_SIZE, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(QUEUE_LIMIT), r -> {
          Thread t = new Thread(r, "claudemesh-hook-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    this.pool.allowCoreThreadTimeOut(true);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Creates {@code hooks/} (0700) and reads {@code hooks.toml}; call it before the IPC socket
   * serves, so {@code pre-send} gates the first send. Does nothing when hooks are off.
   */
  public synchronized void load() {
    if (!enabled) {
      log.info("hooks are off ([hooks] enabled = false, the default in CI); no hook runs");
      return;
    }
    try {
      SecureFiles.createPrivateDirectories(hooksDir);
    } catch (IOException e) {
      log.warn("hooks: cannot create {}: {}; no hook runs", hooksDir, e.toString());
      return;
    }
    loadConfig(false);
  }

  /**
   * Listens to the event bus and starts {@code on-startup}; call it after {@link #load()} once
   * the IPC socket serves, so hooks can call back.
   */
  public synchronized void start() {
    if (!enabled) {
      return;
    }
    if (subscription != null) {
      throw new IllegalStateException("already started");
    }
    subscription = bus.subscribe(this::onEvent);
    Map<String, @Nullable Object> data = new LinkedHashMap<>();
    data.put("ts", clock.millis());
    submit(HookTriggers.ON_STARTUP, "startup-" + clock.millis(), "startup", data);
  }

  /**
   * Reads {@code hooks.toml} again ({@code daemon reload}); runs already started keep theirs. An
   * invalid file keeps the configuration in force, as a failed reload of {@code config.toml}
   * does; a file that was removed turns hooks off.
   *
   * @return what the reload did to the hooks, for {@code claudemesh daemon reload} to show; empty
   *     when hooks are off or there is no {@code hooks.toml} before or after
   */
  public Optional<String> reload() {
    if (!enabled || closed) {
      return Optional.empty();
    }
    said.clear();
    return loadConfig(true);
  }

  /** Whether hooks are on for this daemon. */
  public boolean enabled() {
    return enabled;
  }

  /** Runs waiting for a pool thread. */
  public int queued() {
    return pool.getQueue().size();
  }

  /** Runs in progress, {@code pre-send} included. */
  public int running() {
    return running.get();
  }

  private synchronized Optional<String> loadConfig(boolean reload) {
    Path file = hooksDir.resolve(HooksConfig.FILE_NAME);
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      boolean had = config != null;
      config = null;
      invalid = false;
      log.info("hooks: no {} in {}, so no hook runs (the file is mandatory, SPEC §9)",
          HooksConfig.FILE_NAME, hooksDir);
      return had ? Optional.of(HooksConfig.FILE_NAME + " is gone: no hook runs") : Optional.empty();
    }
    try {
      HooksConfig read = HooksConfig.read(file);
      config = read;
      invalid = false;
      List<String> on = new ArrayList<>();
      for (String name : read.hookNames()) {
        if (read.policy(name).map(HookPolicy::enabled).orElse(false)) {
          on.add(name);
        }
      }
      log.info("hooks: {} read; enabled: {}", HooksConfig.FILE_NAME, on.isEmpty() ? "none" : on);
      for (String name : on) {
        executable(name); // says now, once, what is wrong with a configured hook's file
      }
      if (on.stream().anyMatch(name -> read.policy(name).orElseThrow().networkPolicy()
          == NetworkPolicy.DENY)) {
        if (isolation != null && !isolation.available()) {
          isolation = null; // probe again: what failed may work now
        }
        isolation(); // once now, not on the first run (which may be a send waiting for pre-send)
      }
      return Optional.of(HooksConfig.FILE_NAME + " (enabled: "
          + (on.isEmpty() ? "none" : String.join(", ", on)) + ")");
    } catch (HooksConfigException e) {
      if (reload && config != null) {
        log.warn("hooks: {} is invalid, so the hooks read before stay in force until it is"
            + " fixed and the daemon reloaded: {}", HooksConfig.FILE_NAME, e.getMessage());
        return Optional.of(HooksConfig.FILE_NAME + " is invalid, the hooks read before stay"
            + " (see daemon.log)");
      }
      config = null;
      invalid = true;
      log.warn("hooks: {} is invalid, so no hook runs until it is fixed and the daemon reloaded"
          + "{}: {}", HooksConfig.FILE_NAME, Files.exists(hooksDir.resolve(HookTriggers.PRE_SEND))
              ? "; hooks/pre-send exists, so every send is refused meanwhile" : "",
          e.getMessage());
      return Optional.of(HooksConfig.FILE_NAME + " is invalid, no hook runs (see daemon.log)");
    }
  }

  // ------------------------------------------------------------------------------- inbound

  private void onEvent(PeerEvent event) {
    if (closed || event.kind().equals(EventKinds.HOOK_EXECUTED) || config == null) {
      return;
    }
    for (String hook : triggers.hooksFor(event)) {
      submit(hook, Long.toString(event.id()), event.kind(), event.data());
    }
  }

  private void submit(String hook, String eventId, String trigger,
      Map<String, @Nullable Object> data) {
    HooksConfig c = config;
    if (c == null) {
      return;
    }
    Optional<HookPolicy> policy = c.policy(hook).filter(HookPolicy::enabled);
    if (policy.isEmpty()) {
      return;
    }
    try {
      pool.execute(new Queued(hook, policy.get(), eventId, trigger, data));
    } catch (RejectedExecutionException e) {
      metrics.dropped(hook);
      finish(new Run(hook, eventId, trigger, Outcome.DROPPED, -1, Duration.ZERO, null),
          policy.get(), List.of(), false);
      if (said.add("dropped:" + hook)) {
        log.warn("hooks: {} runs are waiting, so a run of {} was dropped (counted in"
            + " cm_daemon_hook_dropped_total)", QUEUE_LIMIT, hook);
      }
    }
  }

  /** A run waiting for the pool; at shutdown the ones still waiting are audited as dropped. */
  private final class Queued implements Runnable {
    final String hook;
    final HookPolicy policy;
    final String eventId;
    final String trigger;
    final Map<String, @Nullable Object> data;

    Queued(String hook, HookPolicy policy, String eventId, String trigger,
        Map<String, @Nullable Object> data) {
      this.hook = hook;
      this.policy = policy;
      this.eventId = eventId;
      this.trigger = trigger;
      this.data = data;
    }

    @Override
    public void run() {
      HookManager.this.run(hook, policy, eventId, trigger, data);
    }
  }

  // ------------------------------------------------------------------------------- pre-send

  @Override
  public Optional<Problem> admit(SendRequest request) {
    HooksConfig c = config;
    if (!enabled) {
      return Optional.empty();
    }
    if (closed) {
      return Optional.of(Problem.retryAfter(ErrorCodes.DAEMON_BUSY,
          "the daemon is stopping; nothing was written", 1));
    }
    if (c == null) {
      // a gate that cannot be read does not open: with hooks/pre-send present it was meant to run
      return invalid && Files.exists(hooksDir.resolve(HookTriggers.PRE_SEND))
          ? refuse(HooksConfig.FILE_NAME + " is invalid (see the daemon log) and hooks/pre-send"
              + " exists, so sends are refused until it is fixed; nothing was written")
          : Optional.empty();
    }
    Optional<HookPolicy> found = c.policy(HookTriggers.PRE_SEND).filter(HookPolicy::enabled);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    HookPolicy policy = found.get();
    String id = Objects.requireNonNull(request.clientMessageId(), "client_message_id");
    if (alreadyAccepted.test(id)) {
      return Optional.empty(); // a retry: the outbox answers it, the hook already let it through
    }
    boolean slot;
    try {
      // briefly: a request waiting here holds one of the 64 in-flight IPC slots
      slot = preSendSlots.tryAcquire(PRE_SEND_SLOT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      slot = false;
    }
    if (!slot) {
      return Optional.of(Problem.retryAfter(ErrorCodes.DAEMON_BUSY,
          POOL_SIZE + " pre-send hooks are running; nothing was written", 1));
    }
    Run run;
    try {
      Map<String, @Nullable Object> data = new LinkedHashMap<>();
      data.put("ts", clock.millis());
      data.put("to", request.to());
      data.put("message", request.message());
      data.put("priority", request.priority());
      data.put("meta", request.meta());
      data.put("reply_to_id", request.replyToId());
      data.put("client_message_id", id);
      run = run(HookTriggers.PRE_SEND, policy, id, "pre_send", data);
    } finally {
      preSendSlots.release();
    }
    switch (run.outcome()) {
      case OK:
        return Optional.empty();
      case TIMED_OUT:
        return refuse("the pre-send hook did not finish within " + policy.timeout().toSeconds()
            + " s; nothing was written");
      case FAILED:
        return refuse("the pre-send hook refused the send (exit " + run.exitCode() + ")"
            + reason(run.result()) + "; nothing was written");
      default:
        return refuse("the pre-send hook " + (run.outcome() == Outcome.NOT_STARTED
            ? "could not be started (see the daemon log)" : "did not run")
            + "; nothing was written");
    }
  }

  private static Optional<Problem> refuse(String detail) {
    return Optional.of(Problem.of(ErrorCodes.PRE_SEND_REJECTED, detail));
  }

  /** ": <first line of stdout>" (printable, at most 200 characters), or nothing. */
  static String reason(HookProcess.@Nullable Result result) {
    if (result == null || result.stdout().length == 0) {
      return "";
    }
    String text = new String(result.stdout(), StandardCharsets.UTF_8);
    int eol = text.indexOf('\n');
    String line = (eol < 0 ? text : text.substring(0, eol)).replaceAll("\\p{Cntrl}", " ").strip();
    if (line.length() > 200) {
      line = line.substring(0, 200) + "…";
    }
    return line.isEmpty() ? "" : ": " + line;
  }

  // ------------------------------------------------------------------------------- one run

  private Run run(String hook, HookPolicy policy, String eventId, String trigger,
      Map<String, @Nullable Object> data) {
    Optional<Path> executable = executable(hook);
    if (executable.isEmpty()) {
      Run run = new Run(hook, eventId, trigger, Outcome.NOT_STARTED, -1, Duration.ZERO, null);
      finish(run, policy, List.of(), false);
      return run;
    }
    List<Scope> scopes = List.of();
    boolean truncated = false;
    HookTokens.@Nullable Issued token = null;
    long start = System.nanoTime();
    Run run;
    running.incrementAndGet();
    try {
      scopes = policy.grantsToken()
          ? HookTriggers.scopesFor(policy.capabilityTokenScope(), data) : List.of();
      Map<String, @Nullable Object> event = new LinkedHashMap<>();
      event.put("hook", hook);
      event.put("event_id", eventId);
      event.put("event", trigger);
      event.put("mesh", mesh);
      event.putAll(data);
      HookPayload.Encoded stdin = HookPayload.encodeEvent(event, policy.redactPayload());
      truncated = stdin.truncated();
      boolean isolate = false;
      boolean unenforceable = false;
      NetworkIsolation iso = NetworkIsolation.unavailable("network_policy allow");
      if (policy.networkPolicy() == NetworkPolicy.DENY) {
        iso = isolation();
        isolate = iso.available();
        unenforceable = !isolate;
      } else if (policy.networkPolicy() == NetworkPolicy.ALLOWLIST) {
        unenforceable = true; // a host allowlist needs a firewall the daemon does not have
        if (said.add("allowlist:" + hook)) {
          log.warn("hooks: {} has network_policy = \"allowlist\", which this daemon cannot"
              + " enforce; it runs with the network (counted in"
              + " cm_daemon_hook_unenforceable_total)", hook);
        }
      }
      if (unenforceable) {
        metrics.unenforceable(hook);
      }
      Map<String, String> env = new LinkedHashMap<>();
      env.put("CLAUDEMESH_MESH", mesh);
      env.put("CLAUDEMESH_HOOK_NAME", hook);
      env.put("CLAUDEMESH_EVENT_ID", eventId);
      env.put("CLAUDEMESH_DAEMON_SOCK", socket.toString());
      env.put("PATH", PATH);
      if (!scopes.isEmpty()) {
        token = tokens.issue(hook, eventId, scopes);
        env.put("CLAUDEMESH_CAPABILITY_TOKEN", token.token());
      }
      HookProcess.Result result = HookProcess.run(executable.get(), hooksDir, env, stdin.bytes(),
          new HookProcess.Limits(policy.timeout(), killGrace, policy.outputSizeLimit(),
              policy.killpgOnTimeout()), isolate, iso);
      Outcome outcome = result.timedOut() ? Outcome.TIMED_OUT
          : result.exitCode() == 0 ? Outcome.OK : Outcome.FAILED;
      run = new Run(hook, eventId, trigger, outcome, result.exitCode(), result.duration(), result);
    } catch (IOException | RuntimeException e) {
      log.warn("hooks: {} could not be started: {}", hook, e.getMessage());
      run = new Run(hook, eventId, trigger, Outcome.NOT_STARTED, -1,
          Duration.ofNanos(System.nanoTime() - start), null);
    } finally {
      running.decrementAndGet();
      if (token != null) {
        token.close();
      }
    }
    finish(run, policy, scopes, truncated);
    return run;
  }

  /** The audit line, the metrics and the {@code hook_executed} event of one run. */
  private void finish(Run run, HookPolicy policy, List<Scope> scopes, boolean truncated) {
    HookProcess.@Nullable Result r = run.result();
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("hook", run.hook());
    line.put("event_id", run.eventId());
    line.put("trigger", run.trigger());
    line.put("outcome", run.outcome().wire());
    line.put("exit_code", run.exitCode());
    line.put("duration_ms", run.duration().toMillis());
    line.put("timed_out", r != null && r.timedOut());
    line.put("killed", r != null && r.killed());
    line.put("leftovers_killed", r == null ? 0 : r.leftoversKilled());
    line.put("stdout_bytes", r == null ? 0 : r.stdoutBytes());
    line.put("stderr_bytes", r == null ? 0 : r.stderrBytes());
    line.put("stdin_truncated", truncated);
    line.put("network", r == null ? "not_run" : policy.networkPolicy() == NetworkPolicy.ALLOW
        ? "allowed" : r.networkIsolated() ? "isolated" : "unenforced");
    List<String> granted = new ArrayList<>();
    for (Scope s : scopes) {
      granted.add(s.describe());
    }
    line.put("scopes", granted);
    if (policy.audit() == AuditLevel.OUTPUT && r != null) {
      line.put("stdout", head(r.stdout()));
      line.put("stderr", head(r.stderr()));
    }
    LoggingEventBuilder entry = run.outcome() == Outcome.OK ? audit.atInfo() : audit.atWarn();
    for (Map.Entry<String, Object> e : line.entrySet()) {
      entry = entry.addKeyValue(e.getKey(), e.getValue());
    }
    entry.log("hook run {} {} {}", run.hook(), run.eventId(), run.outcome().wire());
    auditListener.accept(line);
    if (run.outcome() != Outcome.DROPPED) {
      metrics.ran(run.hook(), run.outcome().wire(), run.duration().toNanos());
    }
    Map<String, @Nullable Object> data = new LinkedHashMap<>();
    data.put("ts", clock.millis());
    data.put("hook", run.hook());
    data.put("event_id", run.eventId());
    data.put("trigger", run.trigger());
    data.put("outcome", run.outcome().wire());
    data.put("exit_code", run.exitCode());
    data.put("duration_ms", run.duration().toMillis());
    bus.publish(EventKinds.HOOK_EXECUTED, data);
  }

  private static String head(byte[] output) {
    int n = Math.min(output.length, AUDIT_OUTPUT_LIMIT);
    return new String(output, 0, n, StandardCharsets.UTF_8);
  }

  private NetworkIsolation isolation() {
    NetworkIsolation iso = isolation;
    if (iso == null) {
      synchronized (this) {
        iso = isolation;
        if (iso == null) {
          iso = isolationProbe.get();
          isolation = iso;
          if (iso.available()) {
            log.info("hooks: network_policy = \"deny\" is enforced with {}", iso.describe());
          } else {
            log.warn("hooks: network_policy = \"deny\" cannot be enforced here ({}); such hooks"
                + " run with the network, counted in cm_daemon_hook_unenforceable_total",
                iso.describe());
          }
        }
      }
    }
    return iso;
  }

  /**
   * {@code hooks/<name>} when it may run: a regular executable file owned by the owner of {@code
   * hooks/} (the daemon's user) or root, that neither group nor others can write, in a {@code
   * hooks/} directory neither can write; a symbolic link is judged by its target. What is wrong
   * is logged once (until the next reload).
   */
  Optional<Path> executable(String hook) {
    Path file = hooksDir.resolve(hook);
    try {
      if (writableByOthers(hooksDir)) {
        return refused(hook, "dir", "{} is writable by group or others; no hook in it runs"
            + " (it must be 0700)", hooksDir);
      }
      if (!Files.exists(file)) {
        return refused(hook, "missing", "hooks.toml enables [{}] but {} does not exist", hook,
            file);
      }
      if (!Files.isRegularFile(file)) {
        return refused(hook, "kind", "{} is not a regular file; it does not run", file);
      }
      if (!Files.isExecutable(file)) {
        return refused(hook, "mode", "{} is not executable (chmod u+x); it does not run", file);
      }
      if (writableByOthers(file)) {
        return refused(hook, "writable", "{} is writable by group or others; it does not run",
            file);
      }
      String owner = Files.getOwner(file).getName();
      if (!owner.equals(Files.getOwner(hooksDir).getName()) && !owner.equals("root")) {
        return refused(hook, "owner", "{} belongs to {}, not to the daemon's user; it does not"
            + " run", file, owner);
      }
      return Optional.of(file);
    } catch (IOException | UnsupportedOperationException e) {
      return refused(hook, "io", "cannot check {}: {}", file, e.toString());
    }
  }

  private Optional<Path> refused(String hook, String why, String message, Object... args) {
    if (said.add(why + ":" + hook)) {
      log.warn("hooks: " + message, args);
    }
    return Optional.empty();
  }

  private static boolean writableByOthers(Path path) throws IOException {
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path);
    return mode.contains(PosixFilePermission.GROUP_WRITE)
        || mode.contains(PosixFilePermission.OTHERS_WRITE);
  }

  /**
   * Stops listening and starting runs; runs in progress are interrupted, which ends their
   * processes the way a timeout does (their tokens die with them).
   */
  @Override
  public void close() {
    closed = true;
    EventBus.Subscription s = subscription;
    if (s != null) {
      s.close();
    }
    for (Runnable never : pool.shutdownNow()) {
      if (never instanceof Queued) {
        Queued q = (Queued) never;
        finish(new Run(q.hook, q.eventId, q.trigger, Outcome.DROPPED, -1, Duration.ZERO, null),
            q.policy, List.of(), false);
      }
    }
    try {
      if (!pool.awaitTermination(killGrace.toMillis() + 2000, TimeUnit.MILLISECONDS)) {
        log.warn("hooks: {} run(s) still ending at shutdown", running.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "HookManager{" + hooksDir + ", enabled=" + enabled + "}";
  }

  /** The parts of one daemon the hooks need. */
  public static final class Builder {
    private @Nullable Path hooksDir;
    private @Nullable String mesh;
    private @Nullable Path socket;
    private boolean enabled;
    private @Nullable EventBus bus;
    private HookTriggers.@Nullable Self self;
    private @Nullable HookTokens tokens;
    private Clock clock = Clock.systemUTC();
    private HookMetrics metrics = HookMetrics.NONE;
    private Predicate<String> alreadyAccepted = id -> false;
    private Supplier<NetworkIsolation> isolation = NetworkIsolation::probe;
    private Duration killGrace = HookProcess.Limits.DEFAULT_KILL_GRACE;
    private Consumer<Map<String, Object>> auditListener = line -> {};

    private Builder() {}

    public Builder hooksDir(Path hooksDir) {
      this.hooksDir = hooksDir;
      return this;
    }

    /** The mesh slug ({@code CLAUDEMESH_MESH}). */
    public Builder mesh(String mesh) {
      this.mesh = mesh;
      return this;
    }

    /** The daemon socket ({@code CLAUDEMESH_DAEMON_SOCK}). */
    public Builder socket(Path socket) {
      this.socket = socket;
      return this;
    }

    /** {@code [hooks] enabled}, or the environment's default. */
    public Builder enabled(boolean enabled) {
      this.enabled = enabled;
      return this;
    }

    public Builder bus(EventBus bus) {
      this.bus = bus;
      return this;
    }

    public Builder self(HookTriggers.Self self) {
      this.self = self;
      return this;
    }

    /** The token registry the IPC guard consults. */
    public Builder tokens(HookTokens tokens) {
      this.tokens = tokens;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    public Builder metrics(HookMetrics metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics == null");
      return this;
    }

    /** Whether the outbox already holds a {@code client_message_id} (pre-send skips retries). */
    public Builder alreadyAccepted(Predicate<String> alreadyAccepted) {
      this.alreadyAccepted = Objects.requireNonNull(alreadyAccepted, "alreadyAccepted == null");
      return this;
    }

    /** How to find out whether {@code network_policy = "deny"} can be enforced (asked once). */
    public Builder isolation(Supplier<NetworkIsolation> isolation) {
      this.isolation = Objects.requireNonNull(isolation, "isolation == null");
      return this;
    }

    /** Between SIGTERM and SIGKILL at a timeout (SPEC: 5 s). */
    public Builder killGrace(Duration killGrace) {
      this.killGrace = Objects.requireNonNull(killGrace, "killGrace == null");
      return this;
    }

    /** Also hands every audit record to {@code listener} (tests, embedding apps). */
    public Builder auditListener(Consumer<Map<String, Object>> listener) {
      this.auditListener = Objects.requireNonNull(listener, "listener == null");
      return this;
    }

    public HookManager build() {
      return new HookManager(this);
    }
  }
}
