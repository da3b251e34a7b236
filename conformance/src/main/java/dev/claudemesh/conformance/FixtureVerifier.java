package dev.claudemesh.conformance;

import dev.claudemesh.core.fingerprint.FingerprintRequest;
import dev.claudemesh.core.fingerprint.RequestFingerprint;
import dev.claudemesh.core.jcs.EcmaNumber;
import dev.claudemesh.core.jcs.Jcs;
import dev.claudemesh.core.jcs.JcsException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.jspecify.annotations.Nullable;

/**
 * Runs every case in fixture directories laid out as the module README describes:
 *
 * <ul>
 *   <li>{@code jcs/input/NAME.json} canonicalizes to exactly the bytes of {@code
 *       jcs/output/NAME.json};
 *   <li>every file in {@code jcs-invalid/} is rejected;
 *   <li>every line {@code <ieee754 bits hex>,<expected>} of {@code numbers/*.csv[.gz]} formats to
 *       the expected string (and that string reads back to itself), or is rejected when expected
 *       is empty;
 *   <li>every vector of {@code fingerprint/*.json} gives its {@code fingerprint_hex};
 *   <li>every vector of {@code crypto/*.json} holds under libsodium ({@link CryptoVectors});
 *   <li>every example of {@code wire/*.json} decodes and re-encodes to the same bytes, and every
 *       invalid frame there is rejected naming its field ({@link WireFixtures}).
 * </ul>
 *
 * <p>Unknown folders and files are reported and skipped. A case that throws an unexpected
 * exception counts as failed; nothing stops the run.
 */
final class FixtureVerifier {
  static final String JCS = "jcs";
  static final String JCS_INVALID = "jcs-invalid";
  static final String NUMBERS = "numbers";
  static final String FINGERPRINT = "fingerprint";
  static final String CRYPTO = "crypto";
  static final String WIRE = "wire";

  private final VerifyReport report = new VerifyReport();

  VerifyReport report() {
    return report;
  }

  /**
   * Verifies one fixture directory. {@code label} prefixes the category names in the report (empty
   * for none).
   */
  void verify(Path root, String label) throws IOException {
    String prefix = label.isEmpty() ? "" : label + "/";
    int before = report.passed() + report.failed();
    for (Path child : sortedChildren(root)) {
      String name = child.getFileName().toString().replace("/", "");
      if (name.startsWith(".") || (Files.isRegularFile(child) && isDocumentation(name))) {
        continue;
      }
      if (!Files.isDirectory(child)) {
        report.note("skipped " + prefix + name + ": not a fixture folder");
        continue;
      }
      switch (name) {
        case JCS:
          verifyJcs(child, prefix + JCS);
          break;
        case JCS_INVALID:
          verifyInvalid(child, prefix + JCS_INVALID);
          break;
        case NUMBERS:
          verifyNumbers(child, prefix + NUMBERS);
          break;
        case FINGERPRINT:
          verifyFingerprints(child, prefix + FINGERPRINT);
          break;
        case CRYPTO:
          verifyCrypto(child, prefix + CRYPTO);
          break;
        case WIRE:
          verifyWire(child, prefix + WIRE);
          break;
        default:
          report.note("skipped " + prefix + name + ": unknown fixture category");
      }
    }
    if (report.passed() + report.failed() == before) {
      report.fail(prefix + "(none)", "no fixture cases found in " + (label.isEmpty() ? root : label));
    }
  }

  private void verifyJcs(Path dir, String category) throws IOException {
    Path inputs = dir.resolve("input");
    Path outputs = dir.resolve("output");
    if (!Files.isDirectory(inputs)) {
      report.fail(category, category + ": missing input/ folder");
      return;
    }
    for (Path input : caseFiles(inputs)) {
      String name = input.getFileName().toString();
      String id = category + "/input/" + name;
      Path output = outputs.resolve(name);
      if (!Files.isRegularFile(output)) {
        report.fail(category, id + ": no matching output/" + name);
        continue;
      }
      byte[] expected = Files.readAllBytes(output);
      try {
        byte[] actual = Jcs.canonicalize(Files.readAllBytes(input));
        String difference = Bytes.describeDifference(expected, actual);
        if (difference == null) {
          report.pass(category);
        } else {
          report.fail(category, id + ": " + difference);
        }
      } catch (JcsException e) {
        report.fail(category, id + ": rejected valid input: " + e.getMessage());
      } catch (RuntimeException e) {
        report.fail(category, id + ": crashed: " + e);
      }
    }
    if (Files.isDirectory(outputs)) {
      for (Path output : sortedChildren(outputs)) {
        if (!Files.exists(inputs.resolve(output.getFileName().toString()))) {
          report.note("skipped " + category + "/output/" + output.getFileName() + ": no matching input");
        }
      }
    }
  }

  private void verifyInvalid(Path dir, String category) throws IOException {
    for (Path file : caseFiles(dir)) {
      String name = file.getFileName().toString();
      String id = category + "/" + name;
      try {
        byte[] accepted = Jcs.canonicalize(Files.readAllBytes(file));
        report.fail(category, id + ": accepted, canonical form " + Bytes.preview(accepted));
      } catch (JcsException e) {
        report.pass(category);
      } catch (RuntimeException e) {
        report.fail(category, id + ": crashed instead of rejecting: " + e);
      }
    }
  }

  private void verifyNumbers(Path dir, String category) throws IOException {
    for (Path file : caseFiles(dir)) {
      String name = file.getFileName().toString();
      if (!name.endsWith(".csv") && !name.endsWith(".csv.gz")) {
        report.note("skipped " + category + "/" + name + ": not .csv or .csv.gz");
        continue;
      }
      try (InputStream raw = Files.newInputStream(file);
          InputStream in = name.endsWith(".gz") ? new GZIPInputStream(raw) : raw;
          BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        int lineNumber = 0;
        while ((line = reader.readLine()) != null) {
          lineNumber++;
          checkNumberLine(category, category + "/" + name + ":" + lineNumber, line, lineNumber == 1);
        }
      }
    }
  }

  private void checkNumberLine(String category, String id, String line, boolean firstLine) {
    if (line.isBlank()) {
      return;
    }
    int comma = line.indexOf(',');
    if (comma < 0) {
      report.fail(category, id + ": expected <ieee754 hex>,<expected>");
      return;
    }
    String hex = line.substring(0, comma).trim();
    int end = line.indexOf(',', comma + 1); // a third column (a note) is allowed
    String expected = (end < 0 ? line.substring(comma + 1) : line.substring(comma + 1, end)).trim();
    if (hex.startsWith("0x") || hex.startsWith("0X")) {
      hex = hex.substring(2);
    }
    long bits;
    try {
      if (hex.isEmpty() || hex.length() > 16) {
        throw new NumberFormatException();
      }
      bits = Long.parseUnsignedLong(hex, 16);
    } catch (NumberFormatException e) {
      if (firstLine) {
        report.note("skipped " + id + ": header line");
      } else {
        report.fail(category, id + ": \"" + hex + "\" is not 1 to 16 hex digits");
      }
      return;
    }
    double value = Double.longBitsToDouble(bits);
    try {
      String actual = EcmaNumber.format(value);
      if (expected.isEmpty()) {
        report.fail(category, id + ": expected rejection, got " + actual);
      } else if (!actual.equals(expected)) {
        report.fail(category, id + ": expected " + expected + ", got " + actual);
      } else {
        String reread = Jcs.canonicalize(expected);
        if (reread.equals(expected)) {
          report.pass(category);
        } else {
          report.fail(category, id + ": " + expected + " read back as " + reread);
        }
      }
    } catch (JcsException e) {
      if (expected.isEmpty()) {
        report.pass(category);
      } else {
        report.fail(category, id + ": expected " + expected + ", rejected: " + e.getMessage());
      }
    } catch (RuntimeException e) {
      report.fail(category, id + ": crashed: " + e);
    }
  }

  private void verifyCrypto(Path dir, String category) throws IOException {
    CryptoVectors crypto = new CryptoVectors(report, category);
    for (Path file : caseFiles(dir)) {
      String name = file.getFileName().toString();
      String fileId = category + "/" + name;
      if (!name.endsWith(".json")) {
        report.note("skipped " + fileId + ": not .json");
        continue;
      }
      try {
        Object document = Jcs.parse(Files.readAllBytes(file));
        if (!(document instanceof Map)) {
          report.fail(category, fileId + ": expected a JSON object of vector arrays");
          continue;
        }
        crypto.verify(fileId, (Map<?, ?>) document);
      } catch (JcsException e) {
        report.fail(category, fileId + ": not valid JSON: " + e.getMessage());
      }
    }
  }

  private void verifyWire(Path dir, String category) throws IOException {
    WireFixtures wire = new WireFixtures(report, category);
    for (Path file : caseFiles(dir)) {
      String name = file.getFileName().toString();
      String fileId = category + "/" + name;
      if (!name.endsWith(".json")) {
        report.note("skipped " + fileId + ": not .json");
        continue;
      }
      try {
        Object document = Jcs.parse(Files.readAllBytes(file));
        if (!(document instanceof Map)) {
          report.fail(category, fileId + ": expected a JSON object");
          continue;
        }
        wire.verify(fileId, (Map<?, ?>) document);
      } catch (JcsException e) {
        report.fail(category, fileId + ": not valid JSON: " + e.getMessage());
      }
    }
  }

  private void verifyFingerprints(Path dir, String category) throws IOException {
    for (Path file : caseFiles(dir)) {
      String name = file.getFileName().toString();
      if (!name.endsWith(".json")) {
        report.note("skipped " + category + "/" + name + ": not .json");
        continue;
      }
      String fileId = category + "/" + name;
      List<?> vectors;
      try {
        Object document = Jcs.parse(Files.readAllBytes(file));
        Object list = document instanceof Map ? ((Map<?, ?>) document).get("vectors") : null;
        if (!(list instanceof List)) {
          report.fail(category, fileId + ": expected an object with a \"vectors\" array");
          continue;
        }
        vectors = (List<?>) list;
      } catch (JcsException e) {
        report.fail(category, fileId + ": not valid JSON: " + e.getMessage());
        continue;
      }
      for (int i = 0; i < vectors.size(); i++) {
        checkFingerprintVector(category, fileId, i, vectors.get(i));
      }
    }
  }

  private void checkFingerprintVector(String category, String fileId, int index, @Nullable Object vector) {
    String id = fileId + "[" + index + "]";
    try {
      if (!(vector instanceof Map)) {
        throw new IllegalArgumentException("a vector must be an object");
      }
      Map<?, ?> map = (Map<?, ?>) vector;
      if (map.get("name") instanceof String) {
        id = fileId + " " + map.get("name");
      }
      Object expected = map.get("fingerprint_hex");
      if (!(expected instanceof String)) {
        throw new IllegalArgumentException("missing string field \"fingerprint_hex\"");
      }
      String actual = RequestFingerprint.of(FingerprintRequest.fromJson(map.get("request"))).hex();
      if (actual.equalsIgnoreCase((String) expected)) {
        report.pass(category);
      } else {
        report.fail(category, id + ": expected " + expected + ", got " + actual);
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      report.fail(category, id + ": " + e.getMessage());
    } catch (RuntimeException e) {
      report.fail(category, id + ": crashed: " + e);
    }
  }

  private static boolean isDocumentation(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.startsWith("readme") || lower.startsWith("license") || lower.endsWith(".md");
  }

  /** Regular files of {@code dir} in name order, without hidden files and documentation. */
  private static List<Path> caseFiles(Path dir) throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path child : sortedChildren(dir)) {
      String name = child.getFileName().toString();
      if (Files.isRegularFile(child) && !name.startsWith(".") && !isDocumentation(name)) {
        files.add(child);
      }
    }
    return files;
  }

  private static List<Path> sortedChildren(Path dir) throws IOException {
    try (Stream<Path> children = Files.list(dir)) {
      return children
          .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
          .collect(Collectors.toCollection(ArrayList::new));
    }
  }
}
