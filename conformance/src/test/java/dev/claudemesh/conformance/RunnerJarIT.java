package dev.claudemesh.conformance;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs the shaded runner jar the way a port's CI would: a separate JVM, bundled fixtures. */
class RunnerJarIT {
  private static final Path JAR = Path.of("target", "claudemesh-conformance.jar");

  private static Result run(String stdin, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
    Path stdout = Files.createTempFile("runner-out", ".txt");
    Path stderr = Files.createTempFile("runner-err", ".txt");
    Path input = Files.createTempFile("runner-in", ".json");
    try {
      Files.writeString(input, stdin);
      Process process = new ProcessBuilder(command)
          .redirectInput(input.toFile())
          .redirectOutput(stdout.toFile())
          .redirectError(stderr.toFile())
          .start();
      assertTrue(process.waitFor(5, TimeUnit.MINUTES), "runner did not finish");
      return new Result(process.exitValue(), Files.readString(stdout, UTF_8), Files.readString(stderr, UTF_8));
    } finally {
      Files.deleteIfExists(stdout);
      Files.deleteIfExists(stderr);
      Files.deleteIfExists(input);
    }
  }

  @Test
  void verifiesTheBundledFixturesFromInsideTheJar() throws Exception {
    Result result = run("", "verify");
    assertEquals(0, result.exitCode, result.stdout + result.stderr);
    String[] lines = result.stdout.split("\n");
    String last = lines[lines.length - 1];
    assertTrue(last.matches("\\d+ passed, 0 failed"), last);
    assertTrue(Integer.parseInt(last.substring(0, last.indexOf(' '))) >= 110_000, last);
  }

  @Test
  void canonicalizesStdin() throws Exception {
    Result result = run("{\"z\":[1.50,\"\\u00e9\"],\"a\":null}", "jcs");
    assertEquals(0, result.exitCode, result.stderr);
    assertEquals("{\"a\":null,\"z\":[1.5,\"\u00e9\"]}", result.stdout);
    Result rejected = run("{\"a\":01}", "jcs");
    assertEquals(1, rejected.exitCode);
    assertEquals("invalid JSON: leading zero in a number at offset 5 (line 1, column 6)\n", rejected.stderr);
  }

  private static final class Result {
    final int exitCode;
    final String stdout;
    final String stderr;

    Result(int exitCode, String stdout, String stderr) {
      this.exitCode = exitCode;
      this.stdout = stdout;
      this.stderr = stderr;
    }
  }
}
