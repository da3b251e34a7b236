package dev.claudemesh.benchmarks;

import dev.claudemesh.core.jcs.Jcs;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.erdtman.jcs.JsonCanonicalizer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Canonicalization throughput, UTF-8 bytes in to canonical UTF-8 bytes out, for this project and
 * for {@code io.github.erdtman:java-json-canonicalization} on the same inputs in the same run.
 *
 * <p>{@code corpus=cyberphone} canonicalizes all six reference inputs per operation; {@code
 * corpus=meta-10k} one realistic 10 KB meta document. MB/s = ops/s × input bytes ({@link
 * JcsReport} prints it).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class CanonicalizeBenchmark {
  @Param({"cyberphone", "meta-10k"})
  public String corpus;

  byte[][] documents;

  @Setup
  public void load() throws IOException {
    String[] names = corpus.equals("cyberphone") ? Inputs.CYBERPHONE : new String[] {Inputs.META_10K};
    documents = new byte[names.length][];
    for (int i = 0; i < names.length; i++) {
      documents[i] = Inputs.load(names[i]);
      if (!java.util.Arrays.equals(Jcs.canonicalize(documents[i]),
          new JsonCanonicalizer(documents[i]).getEncodedUTF8())) {
        throw new IllegalStateException("implementations disagree on " + names[i]);
      }
    }
  }

  /** Total input bytes per operation. */
  long bytesPerOp() {
    long total = 0;
    for (byte[] document : documents) {
      total += document.length;
    }
    return total;
  }

  @Benchmark
  public int claudemesh() {
    int sink = 0;
    for (byte[] document : documents) {
      sink += Jcs.canonicalize(document).length;
    }
    return sink;
  }

  @Benchmark
  public int erdtman() throws IOException {
    int sink = 0;
    for (byte[] document : documents) {
      sink += new JsonCanonicalizer(document).getEncodedUTF8().length;
    }
    return sink;
  }
}
