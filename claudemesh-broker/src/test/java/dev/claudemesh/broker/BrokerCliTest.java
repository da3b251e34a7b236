package dev.claudemesh.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.core.CapturedLogs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line against a temp database, in process. */
class BrokerCliTest {
  @TempDir Path dir;

  record Run(int code, String out, String err) {
    String lastLine() {
      List<String> lines = out.lines().toList();
      return lines.get(lines.size() - 1);
    }
  }

  Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = BrokerCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void meshInviteAndRevoke() throws Exception {
    String db = dir.resolve("b.db").toString();
    Run created = run("mesh", "create", "team", "--db", db, "--policy", "prefer_oldest");
    assertEquals(0, created.code(), created.err());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(db))));
    assertEquals(1, run("mesh", "create", "team", "--db", db).code(), "slug taken");

    Run invite = run("invite", "team", "--uses", "3", "--ephemeral", "--db", db);
    assertEquals(0, invite.code(), invite.err());
    String token = CapturedLogs.rememberSecret(invite.lastLine());
    assertTrue(token.matches("[A-Za-z0-9_-]{43}"), token);

    assertEquals(1, run("invite", "nope", "--db", db).code());
    assertEquals(2, run("invite", "team", "--uses", "0", "--db", db).code());
    assertEquals(2, run("mesh", "create", "x", "--policy", "sometimes", "--db", db).code());
    assertEquals(2, run("member", "revoke", "not-hex", "--db", db).code());
    assertEquals(1, run("member", "revoke", "a".repeat(64), "--db", db).code(), "no such member");
    assertEquals(2, run("--bogus").code());
    assertEquals(2, run().code());
    assertEquals(0, run("--help").code());
  }

  @Test
  void featureFilesAreReadStrictlyForServe() throws Exception {
    Path good = dir.resolve("features.json");
    Files.writeString(good, "{\"client_message_id_dedupe\":{\"version\":1,\"mode\":\"permanent\"}}");
    assertEquals("permanent", BrokerCli.readFeatures(good).get("client_message_id_dedupe").get("mode"));
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"max_payload\": 5}");
    StringWriter err = new StringWriter();
    int code = BrokerCli.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true),
        "serve", "--db", dir.resolve("b.db").toString(), "--port", "0", "--features", bad.toString());
    assertEquals(1, code);
    assertTrue(err.toString().contains("params of max_payload must be an object"), err.toString());
  }
}
