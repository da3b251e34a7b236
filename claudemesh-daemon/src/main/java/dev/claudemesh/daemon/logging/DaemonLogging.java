package dev.claudemesh.daemon.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.status.Status;
import dev.claudemesh.core.internal.SecureFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.ZoneId;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The daemon's logging (SPEC §1): {@code daemon.log} in the daemon directory, one JSON object per
 * line (logback's {@code JsonEncoder}: {@code timestamp} in epoch milliseconds, {@code level},
 * {@code threadName}, {@code loggerName}, {@code mdc}, {@code formattedMessage}, {@code
 * throwable}), mode 0600 from creation, rolled at 100 MB and at midnight into {@code
 * daemon.log.<yyyy-MM-dd>.<n>.gz} (also 0600), archives kept 14 days and at most 2 GB; {@code
 * Bearer} credentials masked. Optionally a human-readable copy on the console for {@code
 * --foreground}.
 *
 * <p>Configuration is programmatic: {@link #install} resets logback, so whatever a {@code
 * logback.xml} on the class path or {@code -Dlogback.configurationFile} set up is stopped and
 * dropped, and nothing is looked up again.
 */
public final class DaemonLogging {
  /** The log file's name in the daemon directory. */
  public static final String LOG_FILE = "daemon.log";

  static final long MAX_FILE_SIZE = 100L * 1000 * 1000;
  static final int MAX_HISTORY_DAYS = 14;
  static final long TOTAL_SIZE_CAP = 2L * 1000 * 1000 * 1000;
  static final String CONSOLE_PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n";

  private DaemonLogging() {}

  /**
   * Sends every log line of this process to {@code <daemonDir>/daemon.log} at {@code level} and
   * above, and to standard error as well when {@code alsoConsole}.
   *
   * @throws IOException if the directory or the log file cannot be created or opened
   * @throws IllegalStateException if SLF4J is not bound to logback
   */
  public static void install(Path daemonDir, Level level, boolean alsoConsole) throws IOException {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext)) {
      throw new IllegalStateException(
          "SLF4J is bound to " + factory.getClass().getName() + ", not logback; daemon.log cannot be configured");
    }
    install((LoggerContext) factory, daemonDir, level, alsoConsole ? System.err : null, MAX_FILE_SIZE);
  }

  /**
   * For commands that are not a daemon: only {@code level} and above, to standard error, masked
   * the same way; replaces whatever configuration logback found (its default prints DEBUG).
   * Does nothing when SLF4J is not bound to logback.
   */
  public static void consoleOnly(Level level) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.reset();
      Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
      root.setLevel(ch.qos.logback.classic.Level.fromLocationAwareLoggerInteger(level.toInt()));
      root.addAppender(console(context, System.err));
    }
  }

  private static OutputStreamAppender<ILoggingEvent> console(LoggerContext context,
      OutputStream console) {
    PatternLayoutEncoder pattern = new PatternLayoutEncoder();
    pattern.setContext(context);
    pattern.setPattern(CONSOLE_PATTERN);
    LogMasking.MaskingEncoder<ILoggingEvent> consoleEncoder = new LogMasking.MaskingEncoder<>(pattern);
    consoleEncoder.setContext(context);
    consoleEncoder.start();
    OutputStreamAppender<ILoggingEvent> consoleAppender = new OutputStreamAppender<>();
    consoleAppender.setContext(context);
    consoleAppender.setName("console");
    consoleAppender.setEncoder(consoleEncoder);
    consoleAppender.setOutputStream(new NonClosingOutputStream(console));
    consoleAppender.start();
    return consoleAppender;
  }

  /** {@link #install(Path, Level, boolean)} on a given context, console stream and roll size. */
  static void install(LoggerContext context, Path daemonDir, Level level, @Nullable OutputStream console,
      long maxFileSize) throws IOException {
    Objects.requireNonNull(context, "context == null");
    Objects.requireNonNull(level, "level == null");
    Path dir = SecureFiles.createPrivateDirectories(daemonDir);
    Path logFile = dir.resolve(LOG_FILE);

    context.reset();
    if (context.getMDCAdapter() == null) {
      context.setMDCAdapter(new LogbackMDCAdapter());
    }
    int statusesBefore = context.getStatusManager().getCount();

    JsonEncoder json = new JsonEncoder();
    json.setContext(context);
    json.setWithSequenceNumber(false);
    json.setWithNanoseconds(false);
    json.setWithContext(false);
    json.setWithMessage(false); // the unformatted pattern adds nothing to formattedMessage
    json.setWithArguments(false); // arguments are logged only through the formatted (masked) message
    json.setWithFormattedMessage(true);
    LogMasking.MaskingEncoder<ILoggingEvent> fileEncoder = new LogMasking.MaskingEncoder<>(json);
    fileEncoder.setContext(context);
    fileEncoder.start();

    PrivateRollingAppender file = new PrivateRollingAppender();
    file.setContext(context);
    file.setName("daemon.log");
    file.setFile(logFile.toString());
    file.setAppend(true);
    file.setEncoder(fileEncoder);
    DailySizeRollingPolicy policy = new DailySizeRollingPolicy(
        logFile, maxFileSize, MAX_HISTORY_DAYS, TOTAL_SIZE_CAP, ZoneId.systemDefault());
    policy.setContext(context);
    file.setRollingPolicy(policy);
    file.setTriggeringPolicy(policy);
    policy.start();
    file.start();
    if (!file.isStarted()) {
      throw new IOException("cannot open " + logFile + ": " + statusSince(context, statusesBefore));
    }

    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(ch.qos.logback.classic.Level.fromLocationAwareLoggerInteger(level.toInt()));
    root.addAppender(file);
    // Jetty at DEBUG prints request headers, the local token among them.
    ch.qos.logback.classic.Level jetty = ch.qos.logback.classic.Level.fromLocationAwareLoggerInteger(
        Math.max(level.toInt(), Level.INFO.toInt()));
    context.getLogger("org.eclipse.jetty").setLevel(jetty);

    if (console != null) {
      root.addAppender(console(context, console));
    }
  }

  private static String statusSince(LoggerContext context, int from) {
    StringBuilder text = new StringBuilder();
    java.util.List<Status> statuses = context.getStatusManager().getCopyOfStatusList();
    for (int i = Math.max(0, from); i < statuses.size(); i++) {
      Status status = statuses.get(i);
      if (status.getLevel() >= Status.WARN) {
        text.append(text.length() == 0 ? "" : "; ").append(status.getMessage());
      }
    }
    return text.length() == 0 ? "logback did not start the appender" : text.toString();
  }

  /**
   * Prints the last {@code lines} lines of {@code logFile} and, when {@code follow}, keeps printing
   * what is appended, across rollovers, until the thread is interrupted ({@code claudemesh daemon
   * logs [-f]}).
   *
   * <p>An interrupt ends following normally. A log file that does not exist yet is waited for
   * when following.
   *
   * @throws NoSuchFileException if there is no log file and {@code follow} is false
   */
  public static void tail(Path logFile, int lines, boolean follow, PrintStream out) throws IOException {
    tail(logFile, lines, follow, out, 250, () -> !Thread.currentThread().isInterrupted());
  }

  static void tail(Path logFile, int lines, boolean follow, PrintStream out, long pollMillis,
      BooleanSupplier keepFollowing) throws IOException {
    Objects.requireNonNull(logFile, "logFile == null");
    Objects.requireNonNull(out, "out == null");
    if (lines < 0) {
      throw new IllegalArgumentException("lines must be >= 0: " + lines);
    }
    long position = 0;
    if (Files.exists(logFile) || !follow) {
      position = printLastLines(logFile, lines, out);
    }
    if (!follow) {
      return;
    }
    Followed current = Followed.open(logFile, position);
    try {
      while (keepFollowing.getAsBoolean()) {
        boolean progressed = false;
        if (current != null) {
          progressed = current.drainTo(out);
        }
        Object keyNow = fileKey(logFile);
        if (keyNow != null && (current == null || !keyNow.equals(current.key) || current.truncated())) {
          // rolled over (a new file under the name) or truncated: finish the old one, start the new
          if (current != null) {
            current.drainTo(out);
            current.close();
          }
          current = Followed.open(logFile, 0);
          continue;
        }
        if (!progressed) {
          try {
            Thread.sleep(pollMillis);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    } finally {
      if (current != null) {
        current.close();
      }
      out.flush();
    }
  }

  private static @Nullable Object fileKey(Path file) {
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      Object key = attributes.fileKey();
      return key != null ? key : attributes.creationTime();
    } catch (IOException e) {
      return null;
    }
  }

  /** Prints the last {@code lines} lines and returns the size printed up to. */
  private static long printLastLines(Path logFile, int lines, PrintStream out) throws IOException {
    try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
      long end = file.length();
      long start = end;
      int newlines = 0;
      byte[] block = new byte[8192];
      // A trailing newline ends the last line; it does not start another one.
      long scanEnd = end > 0 && byteAt(file, end - 1) == '\n' ? end - 1 : end;
      long pos = scanEnd;
      outer:
      while (pos > 0 && lines > 0) {
        int n = (int) Math.min(block.length, pos);
        file.seek(pos - n);
        file.readFully(block, 0, n);
        for (int i = n - 1; i >= 0; i--) {
          if (block[i] == '\n' && ++newlines == lines) {
            start = pos - n + i + 1;
            break outer;
          }
        }
        pos -= n;
        start = 0;
      }
      if (lines == 0) {
        start = end;
      }
      file.seek(start);
      long remaining = end - start;
      while (remaining > 0) {
        int n = file.read(block, 0, (int) Math.min(block.length, remaining));
        if (n < 0) {
          break;
        }
        out.write(block, 0, n);
        remaining -= n;
      }
      out.flush();
      return end;
    } catch (java.io.FileNotFoundException e) {
      throw new NoSuchFileException(logFile.toString(), null, "no daemon log yet");
    }
  }

  private static int byteAt(RandomAccessFile file, long position) throws IOException {
    file.seek(position);
    return file.read();
  }

  /** One open generation of the log file being followed. */
  private static final class Followed {
    final FileChannel channel;
    final Path path;
    final @Nullable Object key;
    long position;

    private Followed(FileChannel channel, Path path, @Nullable Object key, long position) {
      this.channel = channel;
      this.path = path;
      this.key = key;
      this.position = position;
    }

    static @Nullable Followed open(Path path, long position) {
      try {
        Object key = fileKey(path);
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        return new Followed(channel, path, key, position);
      } catch (IOException e) {
        return null; // between a rename and the new file; the next poll tries again
      }
    }

    boolean drainTo(PrintStream out) throws IOException {
      boolean progressed = false;
      ByteBuffer buffer = ByteBuffer.allocate(8192);
      while (true) {
        buffer.clear();
        int n = channel.read(buffer, position);
        if (n <= 0) {
          break;
        }
        out.write(buffer.array(), 0, n);
        position += n;
        progressed = true;
      }
      if (progressed) {
        out.flush();
      }
      return progressed;
    }

    boolean truncated() {
      try {
        return Files.size(path) < position && key != null && key.equals(fileKey(path));
      } catch (IOException e) {
        return false;
      }
    }

    void close() throws IOException {
      channel.close();
    }
  }

  /** Keeps logback from closing {@code System.err} when the context stops. */
  private static final class NonClosingOutputStream extends java.io.FilterOutputStream {
    NonClosingOutputStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }
}
