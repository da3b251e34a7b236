package dev.claudemesh.conformance;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verifier must catch wrong expectations, not only confirm right ones. */
class FixtureVerifierTest {
  @TempDir Path dir;

  private VerifyReport verify() throws IOException {
    FixtureVerifier verifier = new FixtureVerifier();
    verifier.verify(dir, "");
    return verifier.report();
  }

  private void write(String relative, String content) throws IOException {
    Path file = dir.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.write(file, content.getBytes(UTF_8));
  }

  @Test
  void jcsCasesPassAndFailOnTheExactBytes() throws IOException {
    write("jcs/input/ok.json", "{ \"b\": 1, \"a\": 2 }");
    write("jcs/output/ok.json", "{\"a\":2,\"b\":1}");
    write("jcs/input/newline.json", "[1]");
    write("jcs/output/newline.json", "[1]\n");
    write("jcs/input/orphan.json", "[]");
    VerifyReport report = verify();
    assertEquals(1, report.passed("jcs"));
    assertEquals(List.of(
            "jcs/input/newline.json: differs at byte 3 (expected 4 bytes, got 3): expected ...\"[1]\\u{A}\" got ...\"[1]\"",
            "jcs/input/orphan.json: no matching output/orphan.json"),
        report.failures("jcs"));
  }

  @Test
  void invalidDocumentsMustBeRejected() throws IOException {
    write("jcs-invalid/dup.json", "{\"a\":1,\"a\":1}");
    write("jcs-invalid/actually-valid.json", "{\"a\":1}");
    VerifyReport report = verify();
    assertEquals(1, report.passed("jcs-invalid"));
    assertEquals(List.of("jcs-invalid/actually-valid.json: accepted, canonical form \"{\"a\":1}\""),
        report.failures("jcs-invalid"));
  }

  @Test
  void numberLinesIncludingHeaderNotesGzipAndRejections() throws IOException {
    write("numbers/plain.csv", "ieee754_hex,expected,note\n0000000000000001,5e-324,min\n3ff0000000000000,1\n\n7ff0000000000000,\n3ff0000000000000,1.0\n0x4024000000000000,10\n");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(dir.resolve("numbers/packed.csv.gz")))) {
      out.write("1,5e-324\n7ff8000000000000,NaN\n".getBytes(UTF_8));
    }
    write("numbers/ignored.txt", "x");
    VerifyReport report = verify();
    assertEquals(5, report.passed("numbers"));
    assertEquals(List.of(
            "numbers/packed.csv.gz:2: expected NaN, rejected: NaN is not a JSON number",
            "numbers/plain.csv:6: expected 1.0, got 1"),
        report.failures("numbers"));
    assertTrue(report.notes().contains("skipped numbers/plain.csv:1: header line"));
    assertTrue(report.notes().contains("skipped numbers/ignored.txt: not .csv or .csv.gz"));
  }

  @Test
  void fingerprintVectorsAreCheckedAndBadOnesNamed() throws IOException {
    String request = "{\"envelope_version\":\"1\",\"destination_kind\":\"topic\",\"destination_ref\":\"general\","
        + "\"reply_to_id\":null,\"priority\":\"next\",\"meta\":null,\"body\":\"hi\"}";
    String right = dev.claudemesh.core.fingerprint.RequestFingerprint.of(dev.claudemesh.core.fingerprint.FingerprintRequest.fromJson(
        dev.claudemesh.core.jcs.Jcs.parse(request))).hex();
    write("fingerprint/v.json", "{\"vectors\":["
        + "{\"name\":\"right\",\"request\":" + request + ",\"fingerprint_hex\":\"" + right + "\"},"
        + "{\"name\":\"wrong\",\"request\":" + request + ",\"fingerprint_hex\":\"" + "0".repeat(64) + "\"},"
        + "{\"name\":\"typo\",\"request\":{\"destination_kind\":\"topic\",\"destinationRef\":\"x\",\"body\":\"\"},"
        + "\"fingerprint_hex\":\"" + right + "\"}]}");
    VerifyReport report = verify();
    assertEquals(1, report.passed("fingerprint"));
    assertEquals(List.of(
            "fingerprint/v.json wrong: expected " + "0".repeat(64) + ", got " + right,
            "fingerprint/v.json typo: unknown request field \"destinationRef\""),
        report.failures("fingerprint"));
  }

  @Test
  void cryptoVectorsAreCheckedBothWaysAndTamperingIsCaught() throws IOException {
    dev.claudemesh.core.crypto.Ed25519SigningKey key =
        dev.claudemesh.core.crypto.Ed25519SigningKey.fromSeed(new byte[32]);
    String signature = key.signHex("hi");
    String good = "{\"seed_hex\":\"" + "00".repeat(32) + "\",\"public_hex\":\"" + key.publicKey().hex()
        + "\",\"message_utf8\":\"hi\",\"signature_hex\":\"" + signature + "\"}";
    String flipped = (signature.charAt(0) == '0' ? "1" : "0") + signature.substring(1);
    write("crypto/v.json", "{\"sign\":[" + good + "," + good.replace(signature, flipped) + "],\"future\":[]}");
    VerifyReport report = verify();
    assertEquals(1, report.passed("crypto"));
    assertEquals(1, report.failures("crypto").size());
    assertTrue(report.failures("crypto").get(0).startsWith("crypto/v.json sign[1]: signature_hex: expected " + flipped),
        report.failures("crypto").get(0));
    assertTrue(report.notes().contains("skipped crypto/v.json \"future\": unknown crypto array"));
  }

  @Test
  void unknownFoldersAreReportedAndSkipped() throws IOException {
    write("jcs-invalid/x.json", "[");
    write("surprise/a.json", "{}");
    write("README.md", "docs");
    VerifyReport report = verify();
    assertEquals(List.of("skipped surprise: unknown fixture category"), report.notes());
    assertEquals(0, report.failed());
  }

  @Test
  void aDirectoryWithoutCasesFails() throws IOException {
    write("other/a.json", "{}");
    VerifyReport report = verify();
    assertEquals(1, report.failed());
    assertTrue(report.render().endsWith("0 passed, 1 failed\n"), report.render());
  }

  @Test
  void wireExamplesMustReEncodeByteForByte() throws IOException {
    String ok = "{\"_reqId\":\"r-1\",\"type\":\"ok\"}";
    String okEscaped = ok.replace("\"", "\\\"");
    write("wire/valid.json", "{\"examples\":["
        + "{\"name\":\"ok\",\"type\":\"ok\",\"frame\":" + ok + ",\"canonical\":\"" + okEscaped + "\"},"
        + "{\"name\":\"not-canonical\",\"frame\":{\"type\":\"ok\",\"_reqId\":\"r-1\"},"
        + "\"canonical\":\"{\\\"type\\\":\\\"ok\\\",\\\"_reqId\\\":\\\"r-1\\\"}\"},"
        + "{\"name\":\"wrong-type\",\"type\":\"error\",\"frame\":" + ok + ",\"canonical\":\"" + okEscaped + "\"},"
        + "{\"name\":\"defaults-added\",\"frame\":{\"type\":\"error\",\"code\":\"x\"},"
        + "\"canonical\":\"{\\\"code\\\":\\\"x\\\",\\\"type\\\":\\\"error\\\"}\"},"
        + "{\"name\":\"rejected\",\"frame\":{\"type\":\"ok\"},\"canonical\":\"{\\\"type\\\":\\\"ok\\\"}\"}]}");
    VerifyReport report = verify();
    assertEquals(1, report.passed("wire"));
    List<String> failures = report.failures("wire");
    assertEquals(4, failures.size(), failures.toString());
    assertTrue(failures.get(0).startsWith("wire/valid.json not-canonical: \"frame\" canonicalizes to "), failures.get(0));
    assertEquals("wire/valid.json wrong-type: decoded as ok, expected error", failures.get(1));
    assertTrue(failures.get(2).startsWith("wire/valid.json defaults-added: re-encoding differs: "), failures.get(2));
    assertEquals("wire/valid.json rejected: rejected a valid frame: ok: _reqId is required", failures.get(3));
  }

  @Test
  void wireInvalidFramesMustBeRejectedNamingTheirField() throws IOException {
    write("wire/invalid.json", "{\"cases\":["
        + "{\"name\":\"no-req-id\",\"field\":\"_reqId\",\"frame\":\"{\\\"type\\\":\\\"ok\\\"}\"},"
        + "{\"name\":\"not-json\",\"field\":null,\"frame\":\"{\"},"
        + "{\"name\":\"nested\",\"field\":\"error.code\",\"frame\":"
        + "\"{\\\"error\\\":{},\\\"id\\\":\\\"a\\\",\\\"status\\\":409,\\\"type\\\":\\\"ack\\\"}\"},"
        + "{\"name\":\"actually-valid\",\"field\":\"_reqId\",\"frame\":\"{\\\"_reqId\\\":\\\"r\\\",\\\"type\\\":\\\"ok\\\"}\"},"
        + "{\"name\":\"other-field\",\"field\":\"code\",\"frame\":\"{\\\"type\\\":\\\"ok\\\"}\"}]}");
    write("wire/empty.json", "{\"other\":[]}");
    VerifyReport report = verify();
    assertEquals(3, report.passed("wire"));
    assertEquals(List.of(
            "wire/empty.json: expected an object with an \"examples\" or a \"cases\" array",
            "wire/invalid.json actually-valid: accepted as ok frame",
            "wire/invalid.json other-field: rejected, but the message does not name code: ok: _reqId is required"),
        report.failures("wire"));
  }

  @Test
  void aFieldIsMentionedOnlyAsAWholeWord() {
    assertTrue(WireFixtures.mentions("send: id is required", "id"));
    assertTrue(WireFixtures.mentions("ack.error: code is required", "error.code"));
    assertTrue(WireFixtures.mentions("peers_list.peer: pubkey must be 64 lowercase hex characters", "peers[].pubkey"));
    assertTrue(WireFixtures.mentions("send: targetSpec topic must be 1-64 characters", "targetSpec"));
    assertEquals(false, WireFixtures.mentions("send: client_message_id must be a string", "id"));
    assertEquals(false, WireFixtures.mentions("hello: sessionPubkey must be 64 lowercase hex characters", "pubkey"));
  }
}
