package dev.claudemesh.examples;

import dev.claudemesh.core.Peer;
import dev.claudemesh.core.PeerException;
import dev.claudemesh.core.SendRequest;
import dev.claudemesh.core.events.EventBus;
import dev.claudemesh.core.events.EventKinds;
import dev.claudemesh.core.events.PeerEvent;
import dev.claudemesh.core.identity.DaemonPaths;
import dev.claudemesh.core.store.AcceptResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Two peers embedded in one JVM with {@code claudemesh-core}, no daemon: alice sends bob an
 * end-to-end encrypted DM and bob's {@code message} event prints it.
 *
 * <pre>
 * EmbeddedPeerExample                                   # starts its own broker (what CI runs)
 * EmbeddedPeerExample --broker ws://HOST:PORT/ws --invite TOKEN   # joins a broker that runs
 * </pre>
 *
 * <p>With {@code --broker}, both members join through the one invite, so it needs two uses
 * ({@code claudemesh-broker invite MESH --uses 2}). Members live in a temporary directory that is
 * deleted at the end; they stay registered at an external broker. Exit codes: 0 the DM arrived,
 * 1 it did not within 30 s (or a step failed), 2 usage.
 */
public final class EmbeddedPeerExample {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private EmbeddedPeerExample() {}

  public static void main(String[] args) {
    int code;
    try {
      code = run(args);
    } catch (Exception e) {
      System.err.println("EmbeddedPeerExample failed: " + e);
      e.printStackTrace();
      code = 1;
    }
    System.exit(code); // exit even if a library left a thread behind
  }

  static int run(String[] args) throws Exception {
    String brokerUrl = null;
    String invite = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--broker" -> brokerUrl = i + 1 < args.length ? args[++i] : null;
        case "--invite" -> invite = i + 1 < args.length ? args[++i] : null;
        default -> {
          return usage("unknown argument " + args[i]);
        }
      }
    }
    if ((brokerUrl == null) != (invite == null)) {
      return usage("--broker and --invite go together");
    }

    long started = System.nanoTime();
    Path root = Files.createTempDirectory("claudemesh-embedded-");
    LocalBroker local = null;
    try {
      List<String> invites;
      if (brokerUrl == null) {
        local = LocalBroker.start(root.resolve("broker"), "example");
        brokerUrl = local.wsUrl();
        invites = List.of(local.invite(), local.invite());
        say(started, "reference broker on " + brokerUrl + ", mesh `example`");
      } else {
        invites = List.of(invite, invite);
      }
      return exchange(started, root, brokerUrl, invites.get(0), invites.get(1));
    } finally {
      if (local != null) {
        local.close();
      }
      LocalBroker.deleteTree(root);
    }
  }

  @SuppressWarnings("try") // the subscription is open for the duration of the try
  private static int exchange(long started, Path root, String brokerUrl, String aliceInvite,
      String bobInvite) throws IOException, PeerException, InterruptedException, ExecutionException {
    DaemonPaths alicePaths = join(root, brokerUrl, aliceInvite, "alice");
    DaemonPaths bobPaths = join(root, brokerUrl, bobInvite, "bob");
    say(started, "alice and bob joined");

    // persistent(true): keep the keys the join wrote, also where CI=true would default to an
    // ephemeral identity.
    try (Peer alice = Peer.builder(alicePaths).persistent(true).open();
        Peer bob = Peer.builder(bobPaths).persistent(true).open()) {
      if (!connected(alice) || !connected(bob)) {
        return 1;
      }
      say(started, "both peers connected");

      String key = "embedded-example-" + Long.toHexString(System.nanoTime());
      CompletableFuture<PeerEvent> arrived = new CompletableFuture<>();
      try (EventBus.Subscription events = bob.events(event -> {
        if (event.kind().equals(EventKinds.MESSAGE)
            && key.equals(event.data().get("client_message_id"))) {
          arrived.complete(event);
        }
      })) {
        AcceptResult accepted = alice.send(SendRequest.builder(bob.memberPubkey(),
            "hello bob, from an embedded peer").idempotencyKey(key).build());
        say(started, "alice sent a DM: HTTP " + accepted.httpStatus() + " "
            + accepted.status().orElse("") + ", client_message_id " + accepted.clientMessageId());

        PeerEvent event;
        try {
          event = arrived.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          System.err.println("bob got no message event for " + key + " within "
              + TIMEOUT.toSeconds() + " s");
          return 1;
        }
        Map<String, @Nullable Object> data = event.data();
        say(started, "bob's message event #" + event.id() + ": from " + data.get("sender_name")
            + " (" + data.get("kind") + "): \"" + data.get("body") + "\"");
      }
    }
    say(started, "done");
    return 0;
  }

  /** Joins the mesh as {@code name}: a fresh member key, registered with the broker. */
  private static DaemonPaths join(Path root, String brokerUrl, String invite, String name)
      throws IOException, PeerException {
    DaemonPaths paths = DaemonPaths.inDirectory(root.resolve(name));
    Peer.join(paths, System.getenv(), brokerUrl, invite, name);
    return paths;
  }

  private static boolean connected(Peer peer) throws InterruptedException {
    boolean ok = LocalBroker.await(TIMEOUT,
        () -> peer.isConnected() || peer.fatalError().isPresent());
    if (peer.fatalError().isPresent()) {
      System.err.println(peer.mesh().displayName() + " was stopped by the broker: "
          + peer.fatalError().get().getMessage());
      return false;
    }
    if (!ok) {
      System.err.println(peer.mesh().displayName() + " did not connect within "
          + TIMEOUT.toSeconds() + " s");
    }
    return ok;
  }

  private static int usage(String problem) {
    System.err.println("EmbeddedPeerExample: " + problem);
    System.err.println("usage: EmbeddedPeerExample [--broker ws://HOST:PORT/ws --invite TOKEN]");
    return 2;
  }

  private static void say(long started, String text) {
    System.out.printf(java.util.Locale.ROOT, "[%6.0f ms] %s%n",
        (System.nanoTime() - started) / 1e6, text);
  }
}
