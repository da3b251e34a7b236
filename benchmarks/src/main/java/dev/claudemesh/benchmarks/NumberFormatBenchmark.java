package dev.claudemesh.benchmarks;

import dev.claudemesh.core.jcs.EcmaNumber;
import java.io.IOException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.erdtman.jcs.NumberToJSON;
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
 * Time to format one double in ECMAScript form, this project against {@code
 * org.erdtman.jcs.NumberToJSON}, cycling through 4,096 fixed values per distribution.
 *
 * <p>{@code random-bits}: uniformly random finite bit patterns (17-digit values, every exponent).
 * {@code decimals}: short decimals such as prices and ratios ({@code d.dd × 10^e}, small e).
 * {@code integers}: whole numbers below 2^53.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class NumberFormatBenchmark {
  private static final int COUNT = 4096;

  @Param({"random-bits", "decimals", "integers"})
  public String distribution;

  double[] values;
  int next;

  @Setup
  public void generate() throws IOException {
    SplittableRandom random = new SplittableRandom(20261122L);
    values = new double[COUNT];
    for (int i = 0; i < COUNT; i++) {
      double value;
      switch (distribution) {
        case "random-bits":
          do {
            value = Double.longBitsToDouble(random.nextLong());
          } while (!Double.isFinite(value));
          break;
        case "decimals":
          value = Double.parseDouble(random.nextInt(1, 100_000) + "e" + random.nextInt(-8, 6));
          break;
        case "integers":
          value = (double) random.nextLong(1L << 53);
          break;
        default:
          throw new IllegalArgumentException(distribution);
      }
      if (!EcmaNumber.format(value).equals(NumberToJSON.serializeNumber(value))) {
        throw new IllegalStateException("implementations disagree on " + value);
      }
      values[i] = value;
    }
  }

  private double nextValue() {
    double value = values[next];
    next = (next + 1) & (COUNT - 1);
    return value;
  }

  @Benchmark
  public String claudemesh() {
    return EcmaNumber.format(nextValue());
  }

  @Benchmark
  public String erdtman() throws IOException {
    return NumberToJSON.serializeNumber(nextValue());
  }
}
