package dev.claudemesh.conformance;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConformanceCliTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String stdin, String... args) {
    return ConformanceCli.run(args, new ByteArrayInputStream(stdin.getBytes(UTF_8)),
        new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8));
  }

  @Test
  void jcsWritesCanonicalBytesWithoutNewline() {
    assertEquals(0, run("{\"b\":\"\\u20ac\",\"a\":1E2}", "jcs"));
    assertEquals("{\"a\":100,\"b\":\"\u20ac\"}", out.toString(UTF_8));
  }

  @Test
  void jcsRejectsWithExitOneAndTheMessageOnStderr() {
    assertEquals(1, run("[1,]", "jcs"));
    assertEquals("", out.toString(UTF_8));
    assertEquals("invalid JSON: trailing comma before ']' at offset 3 (line 1, column 4)\n", err.toString(UTF_8));
  }

  @Test
  void fingerprintPrintsSixtyFourHex() {
    assertEquals(0, run("{\"envelope_version\":\"1\",\"destination_kind\":\"dm\",\"destination_ref\":\""
        + "ab".repeat(32) + "\",\"reply_to_id\":null,\"priority\":\"now\",\"meta\":{\"k\":[1,2]},\"body\":\"hi\"}",
        "fingerprint"));
    assertTrue(out.toString(UTF_8).matches("[0-9a-f]{64}\n"), out.toString(UTF_8));
  }

  @Test
  void fingerprintRejectsBadRequests() {
    assertEquals(1, run("{\"destination_kind\":\"dm\",\"destination_ref\":\"x\",\"priority\":\"urgent\",\"body\":\"\"}",
        "fingerprint"));
    assertEquals("invalid request: unknown priority \"urgent\" (expected now, next or low)\n", err.toString(UTF_8));
  }

  @Test
  void verifyEndsWithTheTotalsLineAndFailsOnAFailure(@TempDir Path dir) throws IOException {
    Files.createDirectories(dir.resolve("jcs-invalid"));
    Files.writeString(dir.resolve("jcs-invalid/ok.json"), "{\"a\":true}");
    assertEquals(1, run("", "verify", dir.toString()));
    String[] lines = out.toString(UTF_8).split("\n");
    assertEquals("0 passed, 1 failed", lines[lines.length - 1]);
  }

  @Test
  void verifyWithoutArgumentsUsesTheBundledFixtures() {
    assertEquals(0, run("", "verify"));
    String[] lines = out.toString(UTF_8).split("\n");
    assertTrue(lines[lines.length - 1].matches("\\d+ passed, 0 failed"), lines[lines.length - 1]);
  }

  @Test
  void usageErrorsExitTwo(@TempDir Path dir) {
    assertEquals(2, run("", "frobnicate"));
    assertEquals(2, run(""));
    assertEquals(2, run("", "verify", dir.resolve("missing").toString()));
  }
}
