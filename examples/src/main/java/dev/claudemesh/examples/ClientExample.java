package dev.claudemesh.examples;

import dev.claudemesh.api.EventKinds;
import dev.claudemesh.api.PeerList;
import dev.claudemesh.api.SendResponse;
import dev.claudemesh.api.ServerEvent;
import dev.claudemesh.client.ClaudemeshClient;
import dev.claudemesh.client.ClaudemeshException;
import dev.claudemesh.client.EventListener;
import dev.claudemesh.client.EventSubscription;
import dev.claudemesh.core.Peer;
import dev.claudemesh.core.identity.DaemonPaths;
import dev.claudemesh.daemon.DaemonRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The typed client ({@code claudemesh-client}) against daemons: one member subscribes to
 * {@code GET /v1/events}, another sends it a DM with {@code POST /v1/send}, and the subscription
 * prints the {@code message} event.
 *
 * <pre>
 * ClientExample --self-contained
 *     a reference broker and two daemons (alice, bob) in this JVM, in a temporary directory;
 *     bob's client tails events, alice's client sends "bob" a DM; exit 0 once bob's stream has it
 * ClientExample [--mesh DIR] --to NAME [--to-mesh DIR] [--message TEXT] [--seconds N]
 *     the daemon of --mesh (found as `claudemesh send` finds it) sends to NAME; the events of the
 *     daemon of --to-mesh (another member on this host), else of --mesh, are printed for N
 *     seconds (default 10). With --to-mesh, exit 1 unless the message arrived there.
 * </pre>
 *
 * <p>The client itself needs only {@code claudemesh-client}; the broker and daemon classes are
 * used by {@code --self-contained} alone, to have daemons to talk to. Exit codes: 0 ok, 1 a step
 * failed or timed out, 2 usage.
 */
public final class ClientExample {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private ClientExample() {}

  public static void main(String[] args) {
    int code;
    try {
      code = run(args);
    } catch (Exception e) {
      System.err.println("ClientExample failed: " + e);
      e.printStackTrace();
      code = 1;
    }
    System.exit(code); // exit even if a library left a thread behind
  }

  static int run(String[] args) throws Exception {
    boolean selfContained = false;
    String mesh = null;
    String to = null;
    String toMesh = null;
    String message = "hello from ClientExample";
    long seconds = 10;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--self-contained")) {
        selfContained = true;
        continue;
      }
      if (i + 1 >= args.length) {
        return usage(arg + " needs a value");
      }
      String value = args[++i];
      switch (arg) {
        case "--mesh" -> mesh = value;
        case "--to" -> to = value;
        case "--to-mesh" -> toMesh = value;
        case "--message" -> message = value;
        case "--seconds" -> {
          try {
            seconds = Long.parseLong(value);
          } catch (NumberFormatException e) {
            return usage("--seconds takes a number, got " + value);
          }
        }
        default -> {
          return usage("unknown argument " + arg);
        }
      }
    }
    if (selfContained) {
      return selfContained();
    }
    if (to == null) {
      return usage("--to NAME is required (or --self-contained)");
    }
    return againstRunningDaemons(mesh, to, toMesh, message, Duration.ofSeconds(seconds));
  }

  // -------------------------------------------------------------------- self-contained (CI)

  private static int selfContained() throws Exception {
    long started = System.nanoTime();
    Path root = Files.createTempDirectory("claudemesh-client-");
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put(DaemonPaths.ENV_HOME, root.resolve("home").toString());
    env.remove(DaemonPaths.ENV_DAEMON_DIR);
    List<AutoCloseable> open = new ArrayList<>();
    try {
      LocalBroker broker = LocalBroker.start(root.resolve("broker"), "example");
      open.add(broker);
      say(started, "reference broker on " + broker.wsUrl() + ", mesh `example`");
      Path aliceSocket = startDaemon(env, broker, "alice", open);
      Path bobSocket = startDaemon(env, broker, "bob", open);
      say(started, "daemons up: " + aliceSocket + ", " + bobSocket);

      // From here on only the typed client, as an app that finds a running daemon would use it.
      ClaudemeshClient alice = ClaudemeshClient.builder().socket(aliceSocket).build();
      open.add(alice);
      ClaudemeshClient bob = ClaudemeshClient.builder().socket(bobSocket).build();
      open.add(bob);
      if (!LocalBroker.await(TIMEOUT, () -> connected(alice) && connected(bob))) {
        System.err.println("the daemons did not connect to the broker within "
            + TIMEOUT.toSeconds() + " s");
        return 1;
      }
      // `to` may be a display name, resolved through the live peer list.
      if (!LocalBroker.await(TIMEOUT, () -> lists(alice, "bob"))) {
        System.err.println("alice's daemon does not list bob within " + TIMEOUT.toSeconds() + " s");
        return 1;
      }
      say(started, "both daemons connected; alice sees bob in GET /v1/peers");
      return sendAndWatch(started, alice, bob, "bob", "hello bob, via the typed client", TIMEOUT);
    } finally {
      for (int i = open.size() - 1; i >= 0; i--) {
        try {
          open.get(i).close();
        } catch (Exception e) {
          System.err.println("closing " + open.get(i) + ": " + e);
        }
      }
      LocalBroker.deleteTree(root);
    }
  }

  /** Joins {@code name} and starts its daemon, as {@code claudemesh join} + {@code daemon up}. */
  private static Path startDaemon(Map<String, String> env, LocalBroker broker, String name,
      List<AutoCloseable> open) throws Exception {
    DaemonPaths paths = DaemonPaths.resolve(env, name);
    Peer.join(paths, env, broker.wsUrl(), broker.invite(), name);
    // persistent(true) is `daemon up --persistent`: keep the joined identity even under CI=true.
    DaemonRuntime daemon = DaemonRuntime.start(new DaemonRuntime.Options(paths).env(env)
        .persistent(true));
    open.add(daemon);
    return paths.socket();
  }

  private static boolean connected(ClaudemeshClient client) {
    try {
      return client.health().connected();
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean lists(ClaudemeshClient client, String name) {
    try {
      return client.peers().peers().stream().map(PeerList.Peer::name).anyMatch(name::equals);
    } catch (IOException e) {
      return false;
    }
  }

  // ---------------------------------------------------------------- against running daemons

  private static int againstRunningDaemons(@Nullable String mesh, String to,
      @Nullable String toMesh, String message, Duration tail) throws Exception {
    long started = System.nanoTime();
    ClaudemeshClient.Builder senderBuilder = ClaudemeshClient.builder();
    if (mesh != null) {
      senderBuilder.mesh(mesh);
    }
    try (ClaudemeshClient sender = senderBuilder.build();
        ClaudemeshClient watcher = toMesh == null ? null
            : ClaudemeshClient.builder().mesh(toMesh).build()) {
      say(started, "sender daemon at " + sender.address()
          + (watcher == null ? "" : ", recipient daemon at " + watcher.address()));
      int code = sendAndWatch(started, sender, watcher == null ? sender : watcher, to, message,
          tail);
      // Without a recipient daemon to watch there is nothing to wait for: the send was accepted.
      return watcher == null ? 0 : code;
    }
  }

  // ------------------------------------------------------------------------------- shared

  /**
   * Opens {@code watcher}'s event stream, sends {@code message} to {@code to} through {@code
   * sender}, and prints events until the message shows up there or {@code timeout} passes.
   */
  @SuppressWarnings("try") // the subscription is open for the duration of the try
  private static int sendAndWatch(long started, ClaudemeshClient sender, ClaudemeshClient watcher,
      String to, String message, Duration timeout) throws Exception {
    CountDownLatch streamOpen = new CountDownLatch(1);
    // The event can come before send() returns the id, so every message event is kept by id.
    Map<Object, ServerEvent> messages = new ConcurrentHashMap<>();
    CompletableFuture<String> clientMessageId = new CompletableFuture<>();
    CompletableFuture<ServerEvent> arrived = new CompletableFuture<>();
    EventListener listener = new EventListener() {
      @Override
      public void onOpen() {
        streamOpen.countDown();
      }

      @Override
      public void onEvent(ServerEvent event) {
        say(started, "event #" + event.id() + " " + event.event() + describe(event));
        Object id = event.data().get("client_message_id");
        if (event.event().equals(EventKinds.MESSAGE) && id != null) {
          messages.put(id, event);
          if (id.equals(clientMessageId.getNow(null))) {
            arrived.complete(event);
          }
        }
      }

      @Override
      public void onReconnecting(IOException cause, Duration delay) {
        say(started, "event stream reconnecting in " + delay.toMillis() + " ms: " + cause);
      }

      @Override
      public void onFailure(ClaudemeshException cause) {
        arrived.completeExceptionally(cause);
      }
    };
    try (EventSubscription events = watcher.events(null, listener)) {
      if (!streamOpen.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        System.err.println("the event stream of " + watcher.address() + " did not open within "
            + timeout.toSeconds() + " s");
        return 1;
      }
      SendResponse sent = sender.send(to, message);
      clientMessageId.complete(sent.clientMessageId());
      ServerEvent early = messages.get(sent.clientMessageId());
      if (early != null) {
        arrived.complete(early);
      }
      say(started, "sent to " + to + ": status " + sent.status() + ", client_message_id "
          + sent.clientMessageId());
      try {
        ServerEvent event = arrived.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        say(started, "the message arrived: \"" + event.data().get("body") + "\" from "
            + event.data().get("sender_name"));
        return 0;
      } catch (TimeoutException e) {
        System.err.println("no message event for " + sent.clientMessageId() + " at "
            + watcher.address() + " within " + timeout.toSeconds() + " s");
        return 1;
      }
    }
  }

  private static String describe(ServerEvent event) {
    Object from = event.data().get("sender_name");
    return from == null ? "" : " from " + from;
  }

  private static int usage(String problem) {
    System.err.println("ClientExample: " + problem);
    System.err.println("usage: ClientExample --self-contained");
    System.err.println("       ClientExample [--mesh DIR] --to NAME [--to-mesh DIR]"
        + " [--message TEXT] [--seconds N]");
    return 2;
  }

  private static void say(long started, String text) {
    System.out.printf(Locale.ROOT, "[%6.0f ms] %s%n", (System.nanoTime() - started) / 1e6, text);
  }
}
