package dev.claudemesh.daemon.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.RollingFileAppender;
import dev.claudemesh.core.internal.SecureFiles;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A rolling file appender whose file is created 0600 before logback opens it (SPEC §1: never
 * created wider and narrowed later), at start and again after every rollover.
 */
final class PrivateRollingAppender extends RollingFileAppender<ILoggingEvent> {
  @Override
  public void openFile(String fileName) throws IOException {
    createPrivate(Path.of(fileName));
    super.openFile(fileName);
  }

  /** Creates {@code file} empty with mode 0600 unless it exists. */
  static void createPrivate(Path file) throws IOException {
    if (Files.exists(file)) {
      return;
    }
    try {
      if (SecureFiles.supportsPosix(file)) {
        Files.createFile(file, SecureFiles.modeAttribute(SecureFiles.FILE_0600));
        Files.setPosixFilePermissions(file, SecureFiles.FILE_0600); // exact, whatever the umask
      } else {
        Files.createFile(file);
      }
    } catch (FileAlreadyExistsException e) {
      // created concurrently; logback appends to it
    }
  }
}
