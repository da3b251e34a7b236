package dev.claudemesh.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Runs every bundled fixture through the same verifier the runner uses. */
class BundledFixturesTest {
  private static final Path FIXTURES = Path.of("fixtures");
  private static VerifyReport report;

  @BeforeAll
  static void verifyAll() throws IOException {
    FixtureVerifier verifier = new FixtureVerifier();
    verifier.verify(FIXTURES, "");
    report = verifier.report();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"jcs", "jcs-invalid", "numbers", "fingerprint", "crypto", "wire"})
  void everyCaseOfTheCategoryPasses(String category) {
    List<String> failures = report.failures(category);
    assertEquals(List.of(), failures.subList(0, Math.min(failures.size(), 20)));
    assertTrue(report.passed(category) > 0, "no cases in " + category);
  }

  @Test
  void bundledSetIsAsLargeAsPromised() {
    assertTrue(report.passed() >= 110_000, "only " + report.passed() + " cases");
    assertTrue(report.passed("jcs-invalid") >= 30);
    assertTrue(report.passed("fingerprint") >= 60);
    assertTrue(report.passed("numbers") >= 110_000);
    assertTrue(report.passed("crypto") >= 6 * 50, "at least 50 vectors per crypto array");
    assertTrue(report.passed("wire") >= 30 + 80, "wire examples and invalid frames");
    assertEquals(0, report.failed());
  }
}
