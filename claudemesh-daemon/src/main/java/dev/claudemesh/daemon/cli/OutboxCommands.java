package dev.claudemesh.daemon.cli;

import dev.claudemesh.api.ApiJson;
import dev.claudemesh.api.OutboxPage;
import dev.claudemesh.api.Problem;
import dev.claudemesh.api.RequeueRequest;
import dev.claudemesh.api.RequeueResponse;
import dev.claudemesh.api.Routes;
import dev.claudemesh.core.fingerprint.FingerprintRequest;
import dev.claudemesh.core.identity.DaemonPaths;
import dev.claudemesh.core.store.Outbox;
import dev.claudemesh.core.store.OutboxException;
import dev.claudemesh.core.store.OutboxRow;
import dev.claudemesh.core.store.OutboxStatus;
import dev.claudemesh.daemon.cli.Main.CommandFailedException;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code claudemesh daemon outbox list|inspect|requeue} (SPEC §4.5, §4.7). With a daemon answering
 * on the socket, list and requeue go through its routes (it owns {@code outbox.db}); without one
 * they open {@code outbox.db} directly. Payload bodies are never printed.
 */
@Command(name = "outbox", mixinStandardHelpOptions = true,
    description = "List, inspect and requeue outbox rows.",
    subcommands = {OutboxCommands.ListRows.class, OutboxCommands.Inspect.class,
        OutboxCommands.Requeue.class})
final class OutboxCommands implements Callable<Integer> {
  /** Who aborted a row requeued from the command line ({@code aborted_by}). */
  static final String ABORTED_BY = "cli";

  private final CliContext context;

  OutboxCommands(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    context.err().println("claudemesh daemon outbox: a subcommand is required (see --help)");
    return Main.USAGE;
  }

  /** One status filter at most. */
  static final class StatusFilter {
    @Option(names = "--pending") boolean pending;
    @Option(names = "--inflight") boolean inflight;
    @Option(names = "--done") boolean done;
    @Option(names = "--dead") boolean dead;
    @Option(names = "--aborted") boolean aborted;

    @Nullable OutboxStatus status() {
      return pending ? OutboxStatus.PENDING : inflight ? OutboxStatus.INFLIGHT
          : done ? OutboxStatus.DONE : dead ? OutboxStatus.DEAD
          : aborted ? OutboxStatus.ABORTED : null;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Outbox rows, newest first (never the payload).")
  static final class ListRows implements Callable<Integer> {
    private final CliContext context;

    @Mixin DaemonCommands.MeshOption mesh = new DaemonCommands.MeshOption();

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    @Nullable StatusFilter filter;

    @Option(names = "--limit", defaultValue = "50", description = "at most this many (1-1000)")
    int limit;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    ListRows(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      if (limit < 1 || limit > 1000) {
        throw new CommandFailedException("--limit must be between 1 and 1000, got " + limit,
            Main.USAGE);
      }
      OutboxStatus status = filter == null ? null : filter.status();
      DaemonPaths paths = MeshLocator.locate(context.env(), mesh.mesh);
      List<dev.claudemesh.api.OutboxRow> rows;
      try (DaemonClient client = DaemonClient.open(paths.socket())) {
        if (client.answers()) {
          String query = "?" + Routes.QUERY_LIMIT + "=" + limit + (status == null ? ""
              : "&" + Routes.QUERY_STATUS + "=" + URLEncoder.encode(status.wireName(),
                  StandardCharsets.UTF_8));
          DaemonClient.Answer answer = client.get(Routes.OUTBOX + query);
          refuseUnserved(answer, Routes.OUTBOX, paths);
          if (!answer.ok()) {
            throw MeshCommands.failed(answer);
          }
          rows = answer.as(OutboxPage.class).rows();
        } else {
          try (Outbox outbox = openDirect(paths)) {
            rows = new ArrayList<>();
            for (OutboxRow row : outbox.list(status, limit, null)) {
              rows.add(wire(row));
            }
          }
        }
      }
      print(context, rows, json);
      return Main.OK;
    }
  }

  @Command(name = "inspect", mixinStandardHelpOptions = true,
      description = "The requeue chain through one row: status, attempts, errors, timestamps.")
  static final class Inspect implements Callable<Integer> {
    private final CliContext context;

    @Mixin DaemonCommands.MeshOption mesh = new DaemonCommands.MeshOption();

    @Parameters(index = "0", paramLabel = "ID", description = "the row's client_message_id")
    String id;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    Inspect(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      DaemonPaths paths = MeshLocator.locate(context.env(), mesh.mesh);
      List<dev.claudemesh.api.OutboxRow> chain;
      if (OperatorCommands.daemonAnswers(paths)) {
        // No route serves the chain; a read-only connection is safe beside the daemon (WAL).
        chain = ReadOnlyChain.read(paths.outboxDb(), id);
      } else {
        try (Outbox outbox = openDirect(paths)) {
          chain = new ArrayList<>();
          for (OutboxRow row : outbox.inspect(id)) {
            chain.add(wire(row));
          }
        }
      }
      if (chain.isEmpty()) {
        throw new CommandFailedException("no outbox row " + id + " in " + paths.outboxDb());
      }
      print(context, chain, json);
      return Main.OK;
    }
  }

  /** How the requeued row is named: a given id or a minted one. */
  static final class NewId {
    @Option(names = "--new-client-id", paramLabel = "ID", description = "the new row's id")
    @Nullable String newClientId;

    @Option(names = "--auto", description = "mint a new id (the default)")
    boolean auto;
  }

  @Command(name = "requeue", mixinStandardHelpOptions = true,
      description = "Abort a dead or pending row and queue its payload again under a new id.")
  static final class Requeue implements Callable<Integer> {
    private final CliContext context;

    @Mixin DaemonCommands.MeshOption mesh = new DaemonCommands.MeshOption();

    @Parameters(index = "0", paramLabel = "ID", description = "the row's client_message_id")
    String id;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    @Nullable NewId newId;

    @Option(names = "--patch-payload", paramLabel = "FILE",
        description = "JSON {\"message\": ..., \"meta\": {...}} replacing the body and/or meta")
    @Nullable Path patchPayload;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    Requeue(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      String newClientId = newId == null ? null : newId.newClientId;
      Map<String, @Nullable Object> patch = patchPayload == null ? null : readPatch(patchPayload);
      DaemonPaths paths = MeshLocator.locate(context.env(), mesh.mesh);
      RequeueResponse result;
      try (DaemonClient client = DaemonClient.open(paths.socket())) {
        if (client.answers()) {
          @SuppressWarnings("unchecked")
          Map<String, @Nullable Object> meta = patch == null ? null
              : (Map<String, @Nullable Object>) patch.get("meta");
          RequeueRequest request = new RequeueRequest(id, newClientId,
              newClientId == null ? Boolean.TRUE : null,
              patch == null ? null : (String) patch.get("message"), meta);
          DaemonClient.Answer answer = client.post(Routes.OUTBOX_REQUEUE, request, Map.of());
          refuseUnserved(answer, Routes.OUTBOX_REQUEUE, paths);
          if (!answer.ok()) {
            throw MeshCommands.failed(answer);
          }
          result = answer.as(RequeueResponse.class);
        } else {
          result = requeueDirect(paths, newClientId, patch);
        }
      }
      if (json) {
        context.out().println(ApiJson.toJson(result));
      } else {
        context.out().println(result.abortedId() + " aborted; requeued as "
            + result.clientMessageId() + " (" + result.status() + ")");
      }
      return Main.OK;
    }

    private RequeueResponse requeueDirect(DaemonPaths paths, @Nullable String newClientId,
        @Nullable Map<String, @Nullable Object> patch) throws IOException {
      try (Outbox outbox = openDirect(paths)) {
        FingerprintRequest patched = null;
        if (patch != null) {
          OutboxRow old = outbox.find(id).orElseThrow(() -> new CommandFailedException(
              "no outbox row " + id + " in " + paths.outboxDb()));
          patched = patched(old.request(), patch);
        }
        OutboxRow fresh;
        try {
          fresh = outbox.requeue(id, newClientId, patched, ABORTED_BY);
        } catch (OutboxException e) {
          throw new CommandFailedException(e.getMessage());
        } catch (IllegalArgumentException e) {
          throw new CommandFailedException(e.getMessage(), Main.USAGE);
        }
        return new RequeueResponse(id, fresh.id(), fresh.clientMessageId(),
            fresh.status().wireName());
      }
    }
  }

  /** The request with the patch's {@code message} and/or {@code meta} in place of its own. */
  static FingerprintRequest patched(FingerprintRequest old, Map<String, @Nullable Object> patch) {
    Map<String, @Nullable Object> json = new java.util.LinkedHashMap<>(old.toJson());
    if (patch.containsKey("message")) {
      json.put("body", patch.get("message"));
    }
    if (patch.containsKey("meta")) {
      json.put("meta", patch.get("meta"));
    }
    try {
      return FingerprintRequest.fromJson(json);
    } catch (IllegalArgumentException e) {
      throw new CommandFailedException("--patch-payload: " + e.getMessage(), Main.USAGE);
    }
  }

  private static Map<String, @Nullable Object> readPatch(Path file) {
    Object parsed;
    try {
      parsed = ApiJson.fromJson(Files.readString(file), Object.class);
    } catch (IOException e) {
      throw new CommandFailedException("cannot read --patch-payload " + file + ": "
          + e.getMessage(), Main.USAGE);
    } catch (RuntimeException e) {
      throw new CommandFailedException("--patch-payload " + file + " is not JSON: "
          + e.getMessage(), Main.USAGE);
    }
    if (!(parsed instanceof Map<?, ?> map)) {
      throw new CommandFailedException("--patch-payload " + file
          + " must hold a JSON object {\"message\": ..., \"meta\": {...}}", Main.USAGE);
    }
    for (Object key : map.keySet()) {
      if (!"message".equals(key) && !"meta".equals(key)) {
        throw new CommandFailedException("--patch-payload " + file + ": unknown field \"" + key
            + "\" (only message and meta can be patched)", Main.USAGE);
      }
    }
    if (map.containsKey("message") && !(map.get("message") instanceof String)) {
      throw new CommandFailedException("--patch-payload " + file + ": message must be a string",
          Main.USAGE);
    }
    if (map.get("meta") != null && !(map.get("meta") instanceof Map)) {
      throw new CommandFailedException("--patch-payload " + file + ": meta must be an object",
          Main.USAGE);
    }
    @SuppressWarnings("unchecked")
    Map<String, @Nullable Object> patch = (Map<String, @Nullable Object>) map;
    return patch;
  }

  /** A daemon whose outbox routes are not built yet answers 501: say what to do instead. */
  private static void refuseUnserved(DaemonClient.Answer answer, String route, DaemonPaths paths) {
    if (answer.status() == 501 || answer.status() == 404) {
      Problem p = answer.problem();
      throw new CommandFailedException("the running daemon does not serve " + route + " yet ("
          + answer.status() + " " + p.error() + "); stop it with `claudemesh daemon down"
          + (paths.dir().getFileName() == null ? "" : " --mesh " + paths.dir().getFileName())
          + "` and run this again to use " + paths.outboxDb() + " directly");
    }
  }

  /** Opens outbox.db without a daemon (there is none: it would own the file). */
  static Outbox openDirect(DaemonPaths paths) throws IOException {
    if (!Files.exists(paths.outboxDb())) {
      throw new CommandFailedException("no outbox.db in " + paths.dir()
          + "; the daemon creates it at its first start");
    }
    return Outbox.builder(paths.dir()).open();
  }

  /** The wire form the daemon's route uses too; no payload. */
  static dev.claudemesh.api.OutboxRow wire(OutboxRow row) {
    return new dev.claudemesh.api.OutboxRow(row.id(), row.clientMessageId(),
        row.status().wireName(), row.attempts(), row.enqueuedAt().toEpochMilli(),
        row.nextAttemptAt().toEpochMilli(), row.fingerprint().prefixHex(),
        row.lastError().orElse(null), row.deliveredAt().map(Instant::toEpochMilli).orElse(null),
        row.brokerMessageId().orElse(null), row.historyId().orElse(null),
        row.abortedAt().map(Instant::toEpochMilli).orElse(null), row.abortedBy().orElse(null),
        row.supersededBy().orElse(null));
  }

  static void print(CliContext context, List<dev.claudemesh.api.OutboxRow> rows, boolean json) {
    if (json) {
      context.out().println(ApiJson.toJson(new OutboxPage(rows, null)));
      return;
    }
    Table table = new Table("ID", "STATUS", "ATTEMPTS", "ENQUEUED", "NEXT_ATTEMPT", "LAST_ERROR",
        "ABORTED_BY", "SUPERSEDED_BY");
    for (dev.claudemesh.api.OutboxRow r : rows) {
      table.row(r.clientMessageId(), r.status(), Integer.toString(r.attempts()),
          Instant.ofEpochMilli(r.enqueuedAt()).toString(),
          Instant.ofEpochMilli(r.nextAttemptAt()).toString(), orDash(r.lastError()),
          orDash(r.abortedBy()), orDash(r.supersededBy()));
    }
    table.print(context.out());
  }

  private static String orDash(@Nullable String s) {
    return s == null || s.isEmpty() ? "-" : s;
  }

  /** The requeue chain read over a read-only connection, beside a running daemon. */
  static final class ReadOnlyChain {
    private static final String COLUMNS = "id, client_message_id, status, attempts, enqueued_at,"
        + " next_attempt_at, hex(request_fingerprint), last_error, delivered_at,"
        + " broker_message_id, history_id, aborted_at, aborted_by, superseded_by";

    private ReadOnlyChain() {}

    static List<dev.claudemesh.api.OutboxRow> read(Path db, String id) throws IOException {
      if (!Files.exists(db)) {
        return List.of();
      }
      org.sqlite.SQLiteConfig config = new org.sqlite.SQLiteConfig();
      config.setReadOnly(true);
      config.setBusyTimeout(5_000);
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db, config.toProperties())) {
        Optional<dev.claudemesh.api.OutboxRow> start = one(c, "client_message_id", id);
        if (start.isEmpty()) {
          return List.of();
        }
        List<dev.claudemesh.api.OutboxRow> chain = new ArrayList<>();
        chain.add(start.get());
        for (var earlier = one(c, "superseded_by", id); earlier.isPresent();
            earlier = one(c, "superseded_by", earlier.get().clientMessageId())) {
          chain.add(0, earlier.get());
        }
        for (var current = start.get(); current.supersededBy() != null; ) {
          var next = one(c, "client_message_id", current.supersededBy());
          if (next.isEmpty()) {
            break;
          }
          current = next.get();
          chain.add(current);
        }
        return chain;
      } catch (SQLException e) {
        throw new IOException("cannot read " + db + ": " + e.getMessage(), e);
      }
    }

    private static Optional<dev.claudemesh.api.OutboxRow> one(Connection c, String column,
        String value) throws SQLException {
      try (PreparedStatement s = c.prepareStatement(
          "SELECT " + COLUMNS + " FROM outbox WHERE " + column + " = ?")) {
        s.setString(1, value);
        try (ResultSet rs = s.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty();
          }
          String prefix = rs.getString(7);
          return Optional.of(new dev.claudemesh.api.OutboxRow(rs.getString(1), rs.getString(2),
              rs.getString(3), rs.getInt(4), rs.getLong(5), rs.getLong(6),
              prefix.substring(0, Math.min(16, prefix.length())).toLowerCase(java.util.Locale.ROOT),
              rs.getString(8), nullableLong(rs, 9), rs.getString(10), rs.getString(11),
              nullableLong(rs, 12), rs.getString(13), rs.getString(14)));
        }
      }
    }

    private static @Nullable Long nullableLong(ResultSet rs, int column) throws SQLException {
      long v = rs.getLong(column);
      return rs.wasNull() ? null : v;
    }
  }
}
