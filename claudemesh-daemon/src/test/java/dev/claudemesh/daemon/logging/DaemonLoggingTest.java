package dev.claudemesh.daemon.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import dev.claudemesh.core.jcs.Jcs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.event.Level;

class DaemonLoggingTest {
  @TempDir Path temp;

  /** A context of its own, so the test JVM's logging (logback-test.xml) is left alone. */
  private final LoggerContext context = new LoggerContext();

  {
    context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
  }

  @AfterEach
  void stop() {
    context.stop();
  }

  private Path install(long maxFileSize, ByteArrayOutputStream console) throws IOException {
    Path dir = temp.resolve("daemon/dev");
    DaemonLogging.install(context, dir, Level.INFO, console, maxFileSize);
    return dir.resolve("daemon.log");
  }

  private static List<Map<String, Object>> jsonLines(Path file) throws IOException {
    List<Map<String, Object>> lines = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      lines.add(asObject(line));
    }
    return lines;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asObject(String line) {
    return (Map<String, Object>) assertInstanceOf(Map.class, Jcs.parse(line), line);
  }

  private static String mode(Path file) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
  }

  @Test
  void linesAreJsonObjectsWithLevelLoggerMessageAndTimestamp() throws IOException {
    Path log = install(DaemonLogging.MAX_FILE_SIZE, null);
    Logger logger = context.getLogger("dev.claudemesh.daemon.Test");
    logger.info("started mesh {} with \"quotes\"\nand a newline", "dev");
    logger.debug("not at INFO");
    logger.warn("disk at {}%", 91, new IllegalStateException("boom"));

    List<Map<String, Object>> lines = jsonLines(log);
    assertEquals(2, lines.size(), Files.readString(log));
    Map<String, Object> first = lines.get(0);
    assertEquals("INFO", first.get("level"));
    assertEquals("dev.claudemesh.daemon.Test", first.get("loggerName"));
    assertEquals("started mesh dev with \"quotes\"\nand a newline", first.get("formattedMessage"));
    assertInstanceOf(Number.class, first.get("timestamp"));
    assertFalse(first.containsKey("arguments"), "arguments only reach the log through the masked message");
    assertEquals("WARN", lines.get(1).get("level"));
    assertEquals("disk at 91%", lines.get(1).get("formattedMessage"));
    @SuppressWarnings("unchecked")
    Map<String, Object> throwable = (Map<String, Object>) lines.get(1).get("throwable");
    assertEquals("boom", throwable.get("message"));
  }

  @Test
  void logFileIsCreated0600() throws IOException {
    Path log = install(DaemonLogging.MAX_FILE_SIZE, null);
    assertEquals("rw-------", mode(log));
    assertEquals("rwx------", mode(log.getParent()));
  }

  @Test
  void bearerCredentialsAreMasked() throws IOException {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    Path log = install(DaemonLogging.MAX_FILE_SIZE, console);
    Logger logger = context.getLogger("x");
    logger.info("header Authorization: Bearer abc.DEF-123_xyz was refused");
    logger.error("call failed", new IllegalStateException("sent bearer s3cr3t"));

    String file = Files.readString(log);
    assertFalse(file.contains("abc.DEF-123_xyz") || file.contains("s3cr3t"), file);
    assertEquals("header Authorization: Bearer *** was refused", jsonLines(log).get(0).get("formattedMessage"));
    assertTrue(file.contains("sent bearer ***"), file);
    String text = console.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("INFO  [") && text.contains("Bearer *** was refused"), text);
    assertFalse(text.contains("abc.DEF") || text.contains("s3cr3t"), text);
  }

  @Test
  void maskingLeavesOtherTextAlone() {
    assertEquals("no credentials here", LogMasking.mask("no credentials here"));
    assertEquals("{\"m\":\"Bearer ***\"}", LogMasking.mask("{\"m\":\"Bearer tok\"}"));
    // The credential runs to whitespace: masking too much is the safe side.
    assertEquals("BEARER *** bearer ***", LogMasking.mask("BEARER a, bearer b"));
  }

  @Test
  void rolloverProducesGzipArchivesCreated0600() throws IOException {
    Path log = install(2_000, null);
    Logger logger = context.getLogger("roll");
    for (int i = 0; i < 100; i++) {
      logger.info("line {} {}", i, "x".repeat(100));
    }
    List<Path> archives = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(log.getParent(), "daemon.log.*")) {
      dir.forEach(archives::add);
    }
    assertTrue(archives.size() >= 5, archives.toString());
    List<String> all = new ArrayList<>();
    archives.sort(null);
    for (Path archive : archives) {
      assertTrue(archive.getFileName().toString().matches("daemon\\.log\\.\\d{4}-\\d{2}-\\d{2}\\.\\d+\\.gz"),
          archive.toString());
      assertEquals("rw-------", mode(archive), archive.toString());
      try (InputStream in = new GZIPInputStream(Files.newInputStream(archive))) {
        new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().forEach(all::add);
      }
    }
    assertEquals("rw-------", mode(log));
    all.addAll(Files.readAllLines(log));
    // Nothing lost, every line still one JSON object.
    assertEquals(100, all.size());
    for (String line : all) {
      assertTrue(((String) asObject(line).get("formattedMessage")).startsWith("line "), line);
    }
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(log.getParent(), ".*")) {
      assertFalse(dir.iterator().hasNext(), "no temp files left behind");
    }
  }

  @Test
  void installReplacesAStrayConfiguration() throws Exception {
    Path hijack = temp.resolve("hijack.log");
    JoranConfigurator joran = new JoranConfigurator();
    joran.setContext(context);
    joran.doConfigure(new ByteArrayInputStream(("<configuration><appender name=\"F\" "
        + "class=\"ch.qos.logback.core.FileAppender\"><file>" + hijack + "</file><encoder>"
        + "<pattern>%msg%n</pattern></encoder></appender><root level=\"DEBUG\"><appender-ref ref=\"F\"/>"
        + "</root></configuration>").getBytes(StandardCharsets.UTF_8)));
    context.getLogger("x").info("before");
    assertTrue(Files.readString(hijack).contains("before"), () -> context.getStatusManager().getCopyOfStatusList().toString());

    Path log = install(DaemonLogging.MAX_FILE_SIZE, null);
    context.getLogger("x").info("after");
    assertFalse(Files.readString(hijack).contains("after"));
    assertTrue(Files.readString(log).contains("after"));
  }

  @Test
  void tailPrintsTheLastLines() throws IOException {
    Path log = temp.resolve("daemon.log");
    StringBuilder content = new StringBuilder();
    for (int i = 0; i < 5000; i++) {
      content.append("line ").append(i).append('\n');
    }
    Files.writeString(log, content);
    assertEquals("line 4997\nline 4998\nline 4999\n", tail(log, 3));
    assertEquals("", tail(log, 0));
    assertEquals(content.toString(), tail(log, 10_000));
    Files.writeString(log, "a\nb");
    assertEquals("a\nb", tail(log, 2));
    assertEquals("b", tail(log, 1));
    Files.writeString(log, "");
    assertEquals("", tail(log, 5));
    assertThrows(NoSuchFileException.class, () -> tail(temp.resolve("missing.log"), 5));
  }

  private static String tail(Path log, int lines) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DaemonLogging.tail(log, lines, false, new PrintStream(out, true, StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void followPrintsGrowthAndContinuesAcrossRollover() throws Exception {
    Path log = install(600, null);
    Logger logger = context.getLogger("follow");
    logger.info("first");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    AtomicBoolean keepGoing = new AtomicBoolean(true);
    CountDownLatch done = new CountDownLatch(1);
    Thread follower = new Thread(() -> {
      try {
        DaemonLogging.tail(log, 10, true, out, 10, keepGoing::get);
      } catch (IOException e) {
        throw new RuntimeException(e);
      } finally {
        done.countDown();
      }
    }, "tail-follow");
    follower.start();
    for (int i = 0; i < 40; i++) {
      logger.info("message {} {}", i, "y".repeat(40));
      Thread.sleep(5);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!bytes.toString(StandardCharsets.UTF_8).contains("message 39 ") && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    keepGoing.set(false);
    assertTrue(done.await(10, TimeUnit.SECONDS));

    List<String> seen = new ArrayList<>();
    for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n")) {
      seen.add((String) asObject(line).get("formattedMessage"));
    }
    List<String> expected = new ArrayList<>();
    expected.add("first");
    for (int i = 0; i < 40; i++) {
      expected.add("message " + i + " " + "y".repeat(40));
    }
    assertEquals(expected, seen, "every line once, in order, across rollovers");
  }

  @Test
  void startDeletesArchivesOlderThan14DaysAndCompressesLeftovers() throws IOException {
    Path dir = dev.claudemesh.core.internal.SecureFiles.createPrivateDirectories(temp.resolve("daemon/dev"));
    java.time.LocalDate today = java.time.LocalDate.now();
    Path old = Files.writeString(dir.resolve("daemon.log." + today.minusDays(15) + ".0.gz"), "old");
    Path kept = Files.writeString(dir.resolve("daemon.log." + today.minusDays(13) + ".0.gz"), "kept");
    Path leftover = Files.writeString(dir.resolve("daemon.log." + today + ".0"), "{\"a\":1}\n");
    Path unrelated = Files.writeString(dir.resolve("daemon.log.notes"), "mine");

    install(DaemonLogging.MAX_FILE_SIZE, null);

    assertFalse(Files.exists(old));
    assertTrue(Files.exists(kept));
    assertTrue(Files.exists(unrelated));
    assertFalse(Files.exists(leftover));
    Path compressed = dir.resolve(leftover.getFileName() + ".gz");
    assertEquals("rw-------", mode(compressed));
    try (InputStream in = new GZIPInputStream(Files.newInputStream(compressed))) {
      assertEquals("{\"a\":1}\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void followWaitsForTheFileAndStopsOnInterrupt() throws Exception {
    Path log = temp.resolve("later.log");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Thread follower = new Thread(() -> {
      try {
        DaemonLogging.tail(log, 10, true, out);
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    }, "tail-follow-late");
    follower.start();
    Thread.sleep(100);
    Files.writeString(log, "hello\n");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!bytes.toString(StandardCharsets.UTF_8).equals("hello\n") && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals("hello\n", bytes.toString(StandardCharsets.UTF_8));
    follower.interrupt();
    follower.join(TimeUnit.SECONDS.toMillis(10));
    assertFalse(follower.isAlive());
  }
}
