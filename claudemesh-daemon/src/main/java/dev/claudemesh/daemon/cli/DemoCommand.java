package dev.claudemesh.daemon.cli;

import dev.claudemesh.api.Health;
import dev.claudemesh.api.InboxMessage;
import dev.claudemesh.api.InboxPage;
import dev.claudemesh.api.Routes;
import dev.claudemesh.api.SendRequest;
import dev.claudemesh.api.SendResponse;
import dev.claudemesh.api.TopicPostRequest;
import dev.claudemesh.api.TopicRequest;
import dev.claudemesh.core.Peer;
import dev.claudemesh.core.identity.DaemonPaths;
import dev.claudemesh.core.internal.SecureFiles;
import dev.claudemesh.daemon.DaemonRuntime;
import dev.claudemesh.daemon.cli.Main.CommandFailedException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code claudemesh demo} (SPEC §10.1): in a temporary directory, a reference broker and two
 * daemons (alice, bob) in this process; over each daemon's own socket: a DM each way, a topic
 * post, and an idempotent retry (the same key twice is delivered once). Prints a transcript with
 * timings and exits 0 when every step held, 1 naming the step that did not. Leaves nothing behind
 * unless {@code --keep}.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Broker + two daemons in a temp dir: DMs, a topic post, an idempotent retry.")
final class DemoCommand implements Callable<Integer> {
  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);

  private final CliContext context;
  private long started;

  @Option(names = "--keep", description = "keep the temporary directory and print where it is")
  boolean keep;

  DemoCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = context.out();
    started = System.nanoTime();
    Path root = Files.createTempDirectory("claudemesh-demo-");
    SecureFiles.createPrivateDirectories(root);
    Map<String, String> env = new HashMap<>(context.env());
    env.put(DaemonPaths.ENV_HOME, root.toString());
    env.remove(DaemonPaths.ENV_DAEMON_DIR);
    List<AutoCloseable> open = new ArrayList<>();
    try {
      DevBroker broker = DevBroker.startFresh(root.resolve("broker"));
      open.add(broker);
      broker.ensureMesh("demo");
      line("broker", "reference broker on " + broker.wsUrl() + ", mesh `demo` created");

      Member alice = member(env, broker, "alice", open);
      Member bob = member(env, broker, "bob", open);
      awaitConnected(alice);
      awaitConnected(bob);
      line("daemons", "alice and bob connected (sockets " + alice.paths.socket().getFileName()
          + " in " + root + "/daemon/{alice,bob})");

      dm(alice, bob, "hello bob, this is alice");
      dm(bob, alice, "hi alice, bob here");

      long t = System.nanoTime();
      ok(bob.client.post(Routes.TOPIC_SUBSCRIBE, new TopicRequest("demo"), Map.of()),
          "bob subscribes to #demo");
      SendResponse post = ok(alice.client.post(Routes.TOPIC_POST,
          new TopicPostRequest("demo", "alice posts to #demo", null, null, null), Map.of()),
          "alice posts to #demo").as(SendResponse.class);
      await(bob, post.clientMessageId(), "#demo post reaching bob");
      line("topic", "alice → #demo → bob in " + ms(t));

      t = System.nanoTime();
      String key = "demo-retry-" + Long.toHexString(System.nanoTime());
      Map<String, String> header = Map.of(Routes.HEADER_IDEMPOTENCY_KEY, key);
      SendRequest once = SendRequest.of("bob", "sent twice with one key, delivered once");
      DaemonClient.Answer first = ok(alice.client.post(Routes.SEND, once, header), "first send");
      DaemonClient.Answer second = ok(alice.client.post(Routes.SEND, once, header),
          "retry with the same key");
      await(bob, key, "the retried message reaching bob");
      DaemonClient.Answer third = ok(alice.client.post(Routes.SEND, once, header),
          "retry after delivery");
      Thread.sleep(500);
      long copies = inbox(bob).stream().filter(m -> m.clientMessageId().equals(key)).count();
      if (copies != 1) {
        throw new CommandFailedException("idempotent retry: bob holds " + copies
            + " copies of " + key + ", expected 1");
      }
      line("retry", "key " + key + " sent 3× → HTTP " + first.status() + ", "
          + second.status() + ", " + third.status() + " (" + describe(third) + "); bob holds "
          + copies + " copy, in " + ms(t));
      line("done", "every step held in " + ms(started));
      return Main.OK;
    } finally {
      for (int i = open.size() - 1; i >= 0; i--) {
        try {
          open.get(i).close();
        } catch (Exception e) {
          context.err().println("demo: closing " + open.get(i) + ": " + e.getMessage());
        }
      }
      if (keep) {
        out.println("kept " + root);
      } else {
        MeshCommands.deleteTree(root);
      }
      out.flush();
    }
  }

  private record Member(String name, DaemonPaths paths, DaemonRuntime daemon,
      DaemonClient client) {}

  private Member member(Map<String, String> env, DevBroker broker, String name,
      List<AutoCloseable> open) throws Exception {
    long t = System.nanoTime();
    DaemonPaths paths = DaemonPaths.resolve(env, name);
    Peer.join(paths, env, broker.wsUrl(), broker.invite("demo"), name);
    DaemonRuntime daemon = DaemonRuntime.start(new DaemonRuntime.Options(paths).env(env)
        .persistent(true));
    open.add(daemon);
    DaemonClient client = DaemonClient.open(paths.socket());
    open.add(client);
    line(name, "joined and daemon started in " + ms(t));
    return new Member(name, paths, daemon, client);
  }

  private void awaitConnected(Member m) throws Exception {
    long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      DaemonClient.Answer a = m.client.get(Routes.HEALTH);
      if (a.ok() && a.as(Health.class).connected()) {
        return;
      }
      Thread.sleep(50);
    }
    throw new CommandFailedException(m.name + "'s daemon did not connect to the broker within "
        + STEP_TIMEOUT.toSeconds() + " s");
  }

  private void dm(Member from, Member to, String text) throws Exception {
    long t = System.nanoTime();
    SendResponse r = ok(from.client.post(Routes.SEND, SendRequest.of(to.name, text), Map.of()),
        from.name + " → " + to.name).as(SendResponse.class);
    InboxMessage got = await(to, r.clientMessageId(), "the DM reaching " + to.name);
    line("dm", from.name + " → " + to.name + " \"" + got.message() + "\" (E2E encrypted, id "
        + r.clientMessageId() + ") in " + ms(t));
  }

  private InboxMessage await(Member who, String clientMessageId, String what) throws Exception {
    long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<InboxMessage> hit = inbox(who).stream()
          .filter(m -> m.clientMessageId().equals(clientMessageId)).findFirst();
      if (hit.isPresent()) {
        return hit.get();
      }
      Thread.sleep(20);
    }
    throw new CommandFailedException(what + " did not happen within "
        + STEP_TIMEOUT.toSeconds() + " s");
  }

  private static List<InboxMessage> inbox(Member who) throws IOException {
    DaemonClient.Answer a = who.client.get(Routes.INBOX + "?limit=100");
    if (!a.ok()) {
      throw new CommandFailedException("inbox of " + who.name + ": " + a.problem().detail());
    }
    return a.as(InboxPage.class).messages();
  }

  private static DaemonClient.Answer ok(DaemonClient.Answer a, String step) {
    if (!a.ok()) {
      throw new CommandFailedException(step + ": HTTP " + a.status() + " "
          + a.problem().error() + ": " + a.problem().detail());
    }
    return a;
  }

  private static String describe(DaemonClient.Answer a) {
    SendResponse r = a.as(SendResponse.class);
    return Boolean.TRUE.equals(r.duplicate()) ? "duplicate" : r.status();
  }

  private void line(String step, String text) {
    context.out().printf(Locale.ROOT, "[%7s] %-8s %s%n", ms(started), step, text);
    context.out().flush();
  }

  private static String ms(long since) {
    return String.format(Locale.ROOT, "%.1f ms", (System.nanoTime() - since) / 1e6);
  }
}
