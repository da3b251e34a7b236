package dev.claudemesh.daemon.cli;

import dev.claudemesh.api.ApiJson;
import dev.claudemesh.api.InboxMessage;
import dev.claudemesh.api.InboxPage;
import dev.claudemesh.api.PeerList;
import dev.claudemesh.api.Problem;
import dev.claudemesh.api.Routes;
import dev.claudemesh.api.SendRequest;
import dev.claudemesh.api.SendResponse;
import dev.claudemesh.core.Peer;
import dev.claudemesh.core.identity.DaemonPaths;
import dev.claudemesh.core.identity.MeshConfig;
import dev.claudemesh.core.internal.SecureFiles;
import dev.claudemesh.daemon.cli.Main.CommandFailedException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code claudemesh join}, {@code send}, {@code inbox} and {@code peers} (SPEC §10.1). Everything
 * but {@code join} goes through the running daemon on its socket (auto-routing): when none answers
 * the command fails with exit code 1 and names {@code claudemesh daemon up}.
 */
final class MeshCommands {
  private MeshCommands() {}

  @Command(name = "join", mixinStandardHelpOptions = true,
      description = "Join a mesh with an invite; writes mesh.json and keypair.json.")
  static final class Join implements Callable<Integer> {
    private final CliContext context;

    @Parameters(index = "0", paramLabel = "BROKER_URL", description = "ws:// or wss:// URL")
    String brokerUrl;

    @Parameters(index = "1", paramLabel = "INVITE")
    String invite;

    @Option(names = "--name", description = "display name (default: user@host)")
    @Nullable String name;

    @Mixin DaemonCommands.MeshOption mesh = new DaemonCommands.MeshOption();

    Join(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      String displayName = name != null ? name : defaultName(context.env());
      MeshConfig joined;
      DaemonPaths target;
      if (mesh.mesh != null || context.env().containsKey(DaemonPaths.ENV_DAEMON_DIR)) {
        target = MeshLocator.directory(context.env(), mesh.mesh);
        refuseJoined(target);
        joined = Peer.join(target, context.env(), brokerUrl, invite, displayName);
      } else {
        // The directory is named after the mesh, known only once the broker has answered: join
        // into a private staging directory, then move it into place.
        Path root = DaemonPaths.home(context.env()).resolve("daemon");
        SecureFiles.createPrivateDirectories(root);
        DaemonPaths staging = DaemonPaths.inDirectory(root.resolve(".joining-" + UUID.randomUUID()));
        try {
          joined = Peer.join(staging, context.env(), brokerUrl, invite, displayName);
          target = DaemonPaths.resolve(context.env(), joined.slug());
          refuseJoined(target);
          if (Files.exists(target.dir())) {
            throw new CommandFailedException(target.dir() + " exists but holds no mesh.json; move"
                + " it away or join with --mesh NAME");
          }
          Files.move(staging.dir(), target.dir(), StandardCopyOption.ATOMIC_MOVE);
        } finally {
          deleteTree(staging.dir());
        }
      }
      context.out().println("joined mesh " + joined.slug() + " as " + joined.displayName()
          + " (member " + joined.memberId() + ") in " + target.dir());
      context.out().println("start the daemon with: claudemesh daemon up");
      return Main.OK;
    }

    private static void refuseJoined(DaemonPaths target) {
      if (Files.exists(target.meshJson())) {
        throw new CommandFailedException(target.dir() + " has already joined a mesh; use another"
            + " --mesh NAME or `claudemesh daemon reset` first");
      }
    }
  }

  static String defaultName(Map<String, String> env) {
    String user = env.getOrDefault("USER", System.getProperty("user.name", "peer"));
    String host = env.getOrDefault("HOSTNAME", "");
    if (host.isEmpty()) {
      try {
        host = java.net.InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        host = "host";
      }
    }
    int dot = host.indexOf('.');
    return user + "@" + (dot > 0 ? host.substring(0, dot) : host);
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Command(name = "send", mixinStandardHelpOptions = true,
      description = "Send a message through the running daemon.")
  static final class Send implements Callable<Integer> {
    private final CliContext context;

    @Parameters(index = "0", paramLabel = "TO",
        description = "member pubkey (64 hex), peer name, #topic or *")
    String to;

    @Parameters(index = "1", paramLabel = "MESSAGE", description = "the text; - reads stdin")
    String message;

    @Option(names = "--priority", description = "now, next (default) or low")
    @Nullable String priority;

    @Option(names = {"--key", "--idempotency-key"}, paramLabel = "ID",
        description = "client_message_id; the same key twice is delivered once")
    @Nullable String key;

    @Option(names = "--reply-to", paramLabel = "ID")
    @Nullable String replyTo;

    @Option(names = "--meta", paramLabel = "JSON", description = "a JSON object")
    @Nullable String meta;

    @Option(names = "--json", description = "print the daemon's JSON answer")
    boolean json;

    @Mixin DaemonCommands.MeshOption mesh = new DaemonCommands.MeshOption();

    private final InputStream stdin;

    Send(CliContext context) {
      this.context = context;
      this.stdin = System.in;
    }

    @Override
    public Integer call() throws Exception {
      String text = message.equals("-")
          ? new String(stdin.readAllBytes(), StandardCharsets.UTF_8) : message;
      Map<String, @Nullable Object> metaMap = null;
      if (meta != null) {
        try {
          @SuppressWarnings("unchecked")
          Map<String, @Nullable Object> parsed = ApiJson.fromJson(meta, Map.class);
          metaMap = parsed;
        } catch (RuntimeException e) {
          throw new CommandFailedException("--meta is not a JSON object: " + e.getMessage(),
              Main.USAGE);
        }
      }
      SendRequest request = new SendRequest(to, text, priority, metaMap, replyTo, null);
      Map<String, String> headers = key == null ? Map.of()
          : Map.of(Routes.HEADER_IDEMPOTENCY_KEY, key);
      DaemonClient.Answer answer = routed(context, mesh.mesh,
          client -> client.post(Routes.SEND, request, headers));
      if (json) {
        context.out().println(answer.body());
      }
      if (!answer.ok()) {
        throw failed(answer);
      }
      if (!json) {
        SendResponse r = answer.as(SendResponse.class);
        context.out().println(Boolean.TRUE.equals(r.duplicate())
            ? r.clientMessageId() + " already delivered (broker id " + r.brokerMessageId() + ")"
            : r.clientMessageId() + " " + r.status());
      }
      return Main.OK;
    }
  }

  @Command(name = "inbox", mixinStandardHelpOptions = true,
      description = "List received messages, newest first.")
  static final class Inbox implements Callable<Integer> {
    private final CliContext context;

    @Option(names = "--limit", defaultValue = "20", description = "at most this many (1-1000)")
    int limit;

    @Option(names = "--topic", description = "only this topic")
    @Nullable String topic;

    @Option(names = "--from", paramLabel = "PUBKEY", description = "only from this member")
    @Nullable String from;

    @Option(names = "--since", paramLabel = "EPOCH_MS")
    @Nullable Long since;

    @Option(names = "--json", description = "print the daemon's JSON page")
    boolean json;

    @Mixin DaemonCommands.MeshOption mesh = new DaemonCommands.MeshOption();

    Inbox(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      StringJoiner query = new StringJoiner("&", "?", "");
      query.add("limit=" + limit);
      if (topic != null) {
        query.add("topic=" + URLEncoder.encode(topic, StandardCharsets.UTF_8));
      }
      if (from != null) {
        query.add("from=" + URLEncoder.encode(from, StandardCharsets.UTF_8));
      }
      if (since != null) {
        query.add("since=" + since);
      }
      DaemonClient.Answer answer = routed(context, mesh.mesh,
          client -> client.get(Routes.INBOX + query));
      if (!answer.ok()) {
        throw failed(answer);
      }
      if (json) {
        context.out().println(answer.body());
        return Main.OK;
      }
      InboxPage page = answer.as(InboxPage.class);
      Table table = new Table("RECEIVED", "FROM", "TOPIC", "MESSAGE");
      for (InboxMessage m : page.messages()) {
        String body = m.message() == null ? "" : m.message();
        table.row(Instant.ofEpochMilli(m.receivedAt()).toString(), m.senderName(),
            m.topic() == null ? "-" : "#" + m.topic(),
            body.length() > 80 ? body.substring(0, 77) + "..." : body);
      }
      table.print(context.out());
      return Main.OK;
    }
  }

  @Command(name = "peers", mixinStandardHelpOptions = true,
      description = "List the peers the broker reports live.")
  static final class Peers implements Callable<Integer> {
    private final CliContext context;

    @Option(names = "--json", description = "print the daemon's JSON")
    boolean json;

    @Mixin DaemonCommands.MeshOption mesh = new DaemonCommands.MeshOption();

    Peers(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      DaemonClient.Answer answer = routed(context, mesh.mesh, client -> client.get(Routes.PEERS));
      if (!answer.ok()) {
        throw failed(answer);
      }
      if (json) {
        context.out().println(answer.body());
        return Main.OK;
      }
      Table table = new Table("NAME", "PUBKEY", "STATUS", "SUMMARY");
      for (PeerList.Peer p : answer.as(PeerList.class).peers()) {
        table.row(p.name(), p.pubkey(), p.status() == null ? "-" : p.status(),
            p.summary() == null ? "" : p.summary());
      }
      table.print(context.out());
      return Main.OK;
    }
  }

  /** One request to the daemon. */
  @FunctionalInterface
  interface Call {
    DaemonClient.Answer run(DaemonClient client) throws IOException;
  }

  /**
   * Auto-routing (SPEC §10.1): asks {@code /v1/version} on the mesh's socket first; no answer is
   * exit code 1 with the hint to start the daemon.
   */
  static DaemonClient.Answer routed(CliContext context, @Nullable String mesh, Call call)
      throws IOException {
    DaemonPaths paths = MeshLocator.locate(context.env(), mesh);
    try (DaemonClient client = DaemonClient.open(paths.socket())) {
      if (!client.answers()) {
        throw DaemonCommands.noDaemon(paths);
      }
      return call.run(client);
    }
  }

  static CommandFailedException failed(DaemonClient.Answer answer) {
    Problem p = answer.problem();
    Map<String, Object> extra = new LinkedHashMap<>();
    if (p.conflict() != null) {
      extra.put("conflict", p.conflict());
    }
    return new CommandFailedException(p.status() + " " + p.error() + ": " + p.detail()
        + (extra.isEmpty() ? "" : " " + extra));
  }
}
