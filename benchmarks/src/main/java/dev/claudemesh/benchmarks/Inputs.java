package dev.claudemesh.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Benchmark inputs bundled from the conformance fixtures. */
final class Inputs {
  /** The six cyberphone reference inputs (RFC 8785 authors' test data). */
  static final String[] CYBERPHONE = {"arrays", "french", "structures", "unicode", "values", "weird"};

  /** A realistic ~10 KB send {@code meta} document. */
  static final String META_10K = "cm-meta-10k";

  private Inputs() {}

  static byte[] load(String name) {
    String resource = "/dev/claudemesh/benchmarks/jcs/" + name + ".json";
    try (InputStream in = Inputs.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing benchmark input " + resource);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
