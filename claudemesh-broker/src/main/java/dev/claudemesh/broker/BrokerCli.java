package dev.claudemesh.broker;

import dev.claudemesh.broker.store.ConnectionPolicy;
import dev.claudemesh.broker.store.Mesh;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code claudemesh-broker}: {@code serve}, {@code mesh create}, {@code invite}, {@code member
 * revoke}. Exit codes: 0 ok, 1 failure, 2 usage. {@link #run} is the in-process entry for tests.
 */
@Command(
    name = "claudemesh-broker",
    mixinStandardHelpOptions = true,
    version = "claudemesh-broker " + ReferenceBroker.VERSION,
    description = "The claudemesh reference broker (SPEC 8).",
    subcommands = {BrokerCli.Serve.class, BrokerCli.MeshCommand.class, BrokerCli.Invite.class,
        BrokerCli.MemberCommand.class})
public final class BrokerCli implements Callable<Integer> {
  static final String DEFAULT_DB = "claudemesh-broker.db";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private BrokerCli() {}

  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs one command line; returns its exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new BrokerCli());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      commandLine.getErr().println("claudemesh-broker: " + e.getMessage());
      return 1;
    });
    return cli.execute(args);
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  private static ReferenceBroker.Builder broker(Path db) {
    return ReferenceBroker.builder().dbPath(db);
  }

  @Command(name = "serve", mixinStandardHelpOptions = true, description = "Serve the broker in the foreground.")
  static final class Serve implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--db", description = "SQLite file (default ${DEFAULT-VALUE})", defaultValue = DEFAULT_DB)
    Path db;

    @Option(names = "--port", description = "TCP port (0 = any free port)", defaultValue = "7900")
    int port;

    @Option(names = "--host", description = "interface to bind (default ${DEFAULT-VALUE})", defaultValue = "127.0.0.1")
    String host;

    @Option(names = "--features", paramLabel = "FILE", description = "JSON object {feature: {params}} to"
        + " advertise instead of what this broker implements (for testing clients)")
    Path features;

    @Override
    public Integer call() throws Exception {
      ReferenceBroker.Builder builder = broker(db).host(host).port(port);
      if (features != null) {
        builder.advertisedFeatures(readFeatures(features));
      }
      ReferenceBroker broker = builder.build().start();
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        broker.close();
        stopped.countDown();
      }, "claudemesh-broker-shutdown"));
      spec.commandLine().getOut().println("claudemesh-broker serving " + broker.wsUrl());
      stopped.await();
      return 0;
    }
  }

  /** Reads a feature advertisement: a JSON object mapping each feature name to its params object. */
  static java.util.Map<String, java.util.Map<String, @org.jspecify.annotations.Nullable Object>> readFeatures(Path file)
      throws java.io.IOException {
    Object parsed;
    try {
      parsed = dev.claudemesh.core.jcs.Jcs.parse(java.nio.file.Files.readAllBytes(file));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + " is not strict JSON: " + e.getMessage(), e);
    }
    if (!(parsed instanceof java.util.Map)) {
      throw new IllegalArgumentException(file + " must hold a JSON object {feature: {params}}");
    }
    java.util.Map<String, java.util.Map<String, @org.jspecify.annotations.Nullable Object>> out =
        new java.util.LinkedHashMap<>();
    for (java.util.Map.Entry<?, ?> e : ((java.util.Map<?, ?>) parsed).entrySet()) {
      if (!(e.getValue() instanceof java.util.Map)) {
        throw new IllegalArgumentException(file + ": params of " + e.getKey() + " must be an object");
      }
      @SuppressWarnings("unchecked")
      java.util.Map<String, @org.jspecify.annotations.Nullable Object> params =
          (java.util.Map<String, @org.jspecify.annotations.Nullable Object>) e.getValue();
      out.put((String) e.getKey(), params);
    }
    return out;
  }

  @Command(name = "mesh", mixinStandardHelpOptions = true, description = "Manage meshes.",
      subcommands = {MeshCommand.Create.class})
  static final class MeshCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().usage(spec.commandLine().getErr());
      return 2;
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a mesh.")
    static final class Create implements Callable<Integer> {
      @CommandLine.Spec CommandLine.Model.CommandSpec spec;

      @Parameters(index = "0", paramLabel = "SLUG")
      String slug;

      @Option(names = "--db", defaultValue = DEFAULT_DB, description = "SQLite file (default ${DEFAULT-VALUE})")
      Path db;

      @Option(names = "--policy", defaultValue = "prefer_newest",
          description = "prefer_newest, prefer_oldest or allow_concurrent (default ${DEFAULT-VALUE})")
      String policy;

      @Override
      public Integer call() throws Exception {
        ConnectionPolicy p;
        try {
          p = ConnectionPolicy.fromWire(policy);
        } catch (IllegalArgumentException e) {
          throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        try (ReferenceBroker broker = broker(db).build()) {
          Mesh mesh = broker.createMesh(slug, p);
          spec.commandLine().getOut().println("mesh " + mesh.slug() + " created");
          spec.commandLine().getOut().println(mesh.id());
        }
        return 0;
      }
    }
  }

  @Command(name = "invite", mixinStandardHelpOptions = true,
      description = "Create an invite; its token is the last line of output.")
  static final class Invite implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SLUG")
    String slug;

    @Option(names = "--uses", defaultValue = "1", description = "how many joins (default ${DEFAULT-VALUE})")
    int uses;

    @Option(names = "--ephemeral", description = "members joining with it are removed when they leave")
    boolean ephemeral;

    @Option(names = "--ttl-hours", defaultValue = "168", description = "hours until it expires (default ${DEFAULT-VALUE})")
    long ttlHours;

    @Option(names = "--db", defaultValue = DEFAULT_DB, description = "SQLite file (default ${DEFAULT-VALUE})")
    Path db;

    @Override
    public Integer call() throws Exception {
      if (uses < 1) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--uses must be at least 1");
      }
      if (ttlHours < 1) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--ttl-hours must be at least 1");
      }
      try (ReferenceBroker broker = broker(db).build()) {
        String token = broker.createInvite(slug, uses, ephemeral, Duration.ofHours(ttlHours));
        PrintWriter out = spec.commandLine().getOut();
        out.println("invite for mesh " + slug + ": " + uses + " use(s)" + (ephemeral ? ", ephemeral" : "")
            + ", expires in " + ttlHours + " h");
        out.println(token);
      }
      return 0;
    }
  }

  @Command(name = "member", mixinStandardHelpOptions = true, description = "Manage members.",
      subcommands = {MemberCommand.Revoke.class})
  static final class MemberCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().usage(spec.commandLine().getErr());
      return 2;
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a member key in every mesh.")
    static final class Revoke implements Callable<Integer> {
      @CommandLine.Spec CommandLine.Model.CommandSpec spec;

      @Parameters(index = "0", paramLabel = "PUBKEY")
      String pubkey;

      @Option(names = "--db", defaultValue = DEFAULT_DB, description = "SQLite file (default ${DEFAULT-VALUE})")
      Path db;

      @Override
      public Integer call() throws Exception {
        if (!pubkey.matches("[0-9a-f]{64}")) {
          throw new CommandLine.ParameterException(spec.commandLine(), "PUBKEY must be 64 lowercase hex characters");
        }
        try (ReferenceBroker broker = broker(db).build()) {
          int n = broker.revokeMember(pubkey);
          if (n == 0) {
            spec.commandLine().getErr().println("claudemesh-broker: no active member with key " + pubkey);
            return 1;
          }
          spec.commandLine().getOut().println("revoked in " + n + " mesh(es)");
        }
        return 0;
      }
    }
  }
}
