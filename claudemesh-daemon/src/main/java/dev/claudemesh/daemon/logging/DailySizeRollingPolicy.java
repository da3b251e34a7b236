package dev.claudemesh.daemon.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.rolling.RollingPolicy;
import ch.qos.logback.core.rolling.RolloverFailure;
import ch.qos.logback.core.rolling.TriggeringPolicy;
import ch.qos.logback.core.rolling.helper.CompressionMode;
import ch.qos.logback.core.spi.ContextAwareBase;
import dev.claudemesh.core.internal.SecureFiles;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * Rolls {@code daemon.log} when it reaches {@code maxFileSize} or the day changes, into {@code
 * daemon.log.<yyyy-MM-dd>.<n>.gz} beside it; deletes archives older than {@code maxHistoryDays} and
 * the oldest ones beyond {@code totalSizeCap}.
 *
 * <p>Why not logback's {@code SizeAndTimeBasedRollingPolicy}: its compressor creates the {@code
 * .gz} with a plain {@code FileOutputStream}, so the archive's mode comes from the umask (usually
 * 0644), and SPEC §1 wants every file 0600 from creation. Here the rolled file is renamed (keeping
 * 0600) and compressed into a temp file created 0600, then renamed into place. Compression runs on
 * the logging thread during the rollover: a 100 MB file takes about a second, once per 100 MB.
 */
final class DailySizeRollingPolicy extends ContextAwareBase
    implements RollingPolicy, TriggeringPolicy<ILoggingEvent> {
  private static final Pattern ARCHIVE = Pattern.compile("(\\d{4}-\\d{2}-\\d{2})\\.(\\d+)(\\.gz)?");

  private final Path activeFile;
  private final long maxFileSize;
  private final int maxHistoryDays;
  private final long totalSizeCap;
  private final ZoneId zone;
  private volatile LocalDate currentDay;
  private volatile boolean started;

  DailySizeRollingPolicy(Path activeFile, long maxFileSize, int maxHistoryDays, long totalSizeCap, ZoneId zone) {
    this.activeFile = activeFile.toAbsolutePath();
    this.maxFileSize = maxFileSize;
    this.maxHistoryDays = maxHistoryDays;
    this.totalSizeCap = totalSizeCap;
    this.zone = zone;
    this.currentDay = LocalDate.now(zone);
  }

  @Override
  public void start() {
    try {
      if (Files.exists(activeFile)) {
        currentDay = LocalDate.ofInstant(Files.getLastModifiedTime(activeFile).toInstant(), zone);
      }
      cleanUp(LocalDate.now(zone));
    } catch (IOException e) {
      addWarn("cannot inspect old " + activeFile.getFileName() + " archives: " + e.getMessage(), e);
    }
    started = true;
  }

  @Override
  public void stop() {
    started = false;
  }

  @Override
  public boolean isStarted() {
    return started;
  }

  @Override
  public boolean isTriggeringEvent(File file, ILoggingEvent event) {
    LocalDate day = LocalDate.ofInstant(Instant.ofEpochMilli(event.getTimeStamp()), zone);
    return day.isAfter(currentDay) || file.length() >= maxFileSize;
  }

  @Override
  public void rollover() throws RolloverFailure {
    LocalDate day = currentDay;
    LocalDate today = LocalDate.now(zone);
    try {
      if (Files.exists(activeFile) && Files.size(activeFile) > 0) {
        Path rolled = activeFile.resolveSibling(prefix() + day + "." + nextIndex(day));
        Files.move(activeFile, rolled, StandardCopyOption.ATOMIC_MOVE); // keeps mode 0600
        compress(rolled);
      }
      currentDay = today.isAfter(day) ? today : day;
      cleanUp(today);
    } catch (IOException e) {
      throw new RolloverFailure("cannot roll " + activeFile + ": " + e.getMessage());
    }
  }

  private String prefix() {
    return activeFile.getFileName() + ".";
  }

  private int nextIndex(LocalDate day) throws IOException {
    int next = 0;
    for (Archive archive : archives()) {
      if (archive.day.equals(day)) {
        next = Math.max(next, archive.index + 1);
      }
    }
    return next;
  }

  /** {@code rolled} → {@code rolled.gz}, created 0600 as a temp file and renamed into place. */
  private static void compress(Path rolled) throws IOException {
    Path target = rolled.resolveSibling(rolled.getFileName() + ".gz");
    Path temp = rolled.resolveSibling("." + rolled.getFileName() + ".gz.tmp");
    Files.deleteIfExists(temp);
    boolean posix = SecureFiles.supportsPosix(rolled);
    Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      try (FileChannel channel = posix
              ? FileChannel.open(temp, options, SecureFiles.modeAttribute(SecureFiles.FILE_0600))
              : FileChannel.open(temp, options);
          InputStream in = Files.newInputStream(rolled)) {
        if (posix) {
          Files.setPosixFilePermissions(temp, SecureFiles.FILE_0600);
        }
        OutputStream gzip = new GZIPOutputStream(Channels.newOutputStream(channel), 64 * 1024);
        in.transferTo(gzip);
        gzip.flush();
        ((GZIPOutputStream) gzip).finish();
        channel.force(true);
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target);
      }
      Files.delete(rolled);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Compresses archives a crash left uncompressed, then applies the age and size limits. */
  private void cleanUp(LocalDate today) throws IOException {
    LocalDate oldestKept = today.minusDays(maxHistoryDays);
    List<Archive> archives = archives();
    for (Archive archive : archives) {
      if (!archive.compressed && !archive.day.isBefore(oldestKept)) {
        compress(archive.path);
      }
    }
    archives = archives();
    archives.sort(Comparator.comparing((Archive a) -> a.day).thenComparingInt(a -> a.index).reversed());
    long total = 0;
    for (Archive archive : archives) {
      long size = Files.size(archive.path);
      total += size;
      if (archive.day.isBefore(oldestKept) || total > totalSizeCap) {
        Files.deleteIfExists(archive.path);
      }
    }
  }

  private List<Archive> archives() throws IOException {
    List<Archive> archives = new ArrayList<>();
    String prefix = prefix();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(activeFile.getParent(), prefix + "*")) {
      for (Path path : dir) {
        Matcher m = ARCHIVE.matcher(path.getFileName().toString().substring(prefix.length()));
        if (m.matches()) {
          try {
            archives.add(new Archive(path, LocalDate.parse(m.group(1)), Integer.parseInt(m.group(2)), m.group(3) != null));
          } catch (RuntimeException e) {
            // not a date or an index we wrote: leave the file alone
          }
        }
      }
    }
    return archives;
  }

  private record Archive(Path path, LocalDate day, int index, boolean compressed) {}

  @Override
  public String getActiveFileName() {
    return activeFile.toString();
  }

  @Override
  public CompressionMode getCompressionMode() {
    return CompressionMode.GZ;
  }

  @Override
  public void setParent(FileAppender<?> appender) {
    // the active file is fixed at construction
  }
}
