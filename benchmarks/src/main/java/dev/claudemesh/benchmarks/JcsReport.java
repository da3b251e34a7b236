package dev.claudemesh.benchmarks;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs both JCS benchmarks in one JMH run and prints MB/s, ns/op and the ratio of this project to
 * the erdtman library. Arguments are passed to JMH's option parser (e.g. {@code -f 1 -wi 3}).
 */
public final class JcsReport {
  private JcsReport() {}

  public static void main(String[] args) throws RunnerException, CommandLineOptionException {
    Options options = new OptionsBuilder()
        .parent(new CommandLineOptions(args))
        .include(CanonicalizeBenchmark.class.getSimpleName())
        .include(NumberFormatBenchmark.class.getSimpleName())
        .build();
    Collection<RunResult> results = new Runner(options).run();

    Map<String, double[]> rows = new LinkedHashMap<>(); // key -> {claudemesh, erdtman, error cm, error er}
    Map<String, String> units = new LinkedHashMap<>();
    for (RunResult result : results) {
      String benchmark = result.getParams().getBenchmark();
      boolean ours = benchmark.endsWith(".claudemesh");
      boolean canonicalize = benchmark.contains("CanonicalizeBenchmark");
      String param = canonicalize ? result.getParams().getParam("corpus") : result.getParams().getParam("distribution");
      double score = result.getPrimaryResult().getScore();
      double error = result.getPrimaryResult().getScoreError();
      String key;
      if (canonicalize) {
        double bytes = inputBytes(param);
        score = score * bytes / 1_000_000.0;
        error = error * bytes / 1_000_000.0;
        key = "canonicalize " + param;
        units.put(key, "MB/s (higher is better)");
      } else {
        key = "format number " + param;
        units.put(key, "ns/op (lower is better)");
      }
      double[] row = rows.computeIfAbsent(key, k -> new double[4]);
      row[ours ? 0 : 1] = score;
      row[ours ? 2 : 3] = error;
    }
    System.out.println();
    System.out.println(String.format(Locale.ROOT, "%-32s %22s %22s %8s  %s",
        "benchmark", "claudemesh", "erdtman 1.1", "ratio", "unit"));
    for (Map.Entry<String, double[]> entry : rows.entrySet()) {
      double[] r = entry.getValue();
      boolean throughput = units.get(entry.getKey()).startsWith("MB/s");
      double ratio = throughput ? r[0] / r[1] : r[1] / r[0]; // > 1 means claudemesh is faster
      System.out.println(String.format(Locale.ROOT, "%-32s %12.1f ± %7.1f %12.1f ± %7.1f %7.2fx  %s",
          entry.getKey(), r[0], r[2], r[1], r[3], ratio, units.get(entry.getKey())));
    }
    System.out.println("ratio > 1 means claudemesh is faster");
  }

  private static double inputBytes(String corpus) {
    String[] names = corpus.equals("cyberphone") ? Inputs.CYBERPHONE : new String[] {Inputs.META_10K};
    long total = 0;
    for (String name : names) {
      total += Inputs.load(name).length;
    }
    return total;
  }
}
