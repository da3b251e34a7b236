package dev.claudemesh.core.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * Files created with their final mode from the first byte (never created wider and narrowed
 * later), and atomic replacement: write a temp file in the same directory, fsync it, rename it
 * over the target, fsync the directory (SPEC §1).
 *
 * <p>On file systems without POSIX permissions the modes are skipped.
 */
public final class SecureFiles {
  public static final Set<PosixFilePermission> DIR_0700 = PosixFilePermissions.fromString("rwx------");
  public static final Set<PosixFilePermission> FILE_0600 = PosixFilePermissions.fromString("rw-------");
  public static final Set<PosixFilePermission> FILE_0644 = PosixFilePermissions.fromString("rw-r--r--");

  private static final SecureRandom RANDOM = new SecureRandom();

  private SecureFiles() {}

  /**
   * Creates {@code dir} and any missing parents with mode 0700. Existing directories are left as
   * they are.
   */
  public static Path createPrivateDirectories(Path dir) throws IOException {
    Path absolute = dir.toAbsolutePath();
    if (Files.isDirectory(absolute)) {
      return absolute;
    }
    Path parent = absolute.getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      createPrivateDirectories(parent);
    }
    try {
      if (supportsPosix(parent)) {
        Files.createDirectory(absolute, PosixFilePermissions.asFileAttribute(DIR_0700));
        Files.setPosixFilePermissions(absolute, DIR_0700); // the umask may have narrowed it further
      } else {
        Files.createDirectory(absolute);
      }
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(absolute)) {
        throw e;
      }
    }
    return absolute;
  }

  /**
   * Atomically replaces {@code target} with {@code content}, the file having {@code mode} from
   * creation. When this returns, the content and the rename are on disk.
   */
  public static void writeAtomically(Path target, byte[] content, Set<PosixFilePermission> mode)
      throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path temp = dir.resolve("." + target.getFileName() + ".tmp-" + HexFormat.of().formatHex(randomBytes(6)));
    boolean posix = supportsPosix(dir);
    try {
      try (FileChannel channel = posix
          ? FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
              PosixFilePermissions.asFileAttribute(mode))
          : FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        if (posix) {
          Files.setPosixFilePermissions(temp, mode); // exact mode whatever the umask
        }
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      fsyncDirectory(dir);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Creates a new file with {@code mode} and {@code content}, failing if it exists (for files that
   * must never be silently replaced). Durable like {@link #writeAtomically}.
   */
  public static void createNew(Path target, byte[] content, Set<PosixFilePermission> mode) throws IOException {
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(target.toString());
    }
    writeAtomically(target, content, mode);
  }

  /** Flushes a directory's entries (a rename in it) to disk; a no-op where that is unsupported. */
  public static void fsyncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Some platforms cannot open or sync a directory; the rename is still atomic there.
    }
  }

  /**
   * The file's permissions when they grant more than {@code expected}; empty when they match or
   * are narrower, or the file system has no POSIX permissions.
   */
  public static Optional<String> widerThan(Path file, Set<PosixFilePermission> expected) throws IOException {
    if (!supportsPosix(file)) {
      return Optional.empty();
    }
    Set<PosixFilePermission> actual = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
    for (PosixFilePermission permission : actual) {
      if (!expected.contains(permission)) {
        return Optional.of(PosixFilePermissions.toString(actual));
      }
    }
    return Optional.empty();
  }

  /** Whether the file system holding {@code path} supports POSIX permissions. */
  public static boolean supportsPosix(Path path) {
    Path probe = path;
    while (probe != null && !Files.exists(probe)) {
      probe = probe.getParent();
    }
    return probe != null && Files.getFileAttributeView(probe, PosixFileAttributeView.class) != null;
  }

  /** A file attribute for {@code mode}, for callers that create files themselves. */
  public static FileAttribute<Set<PosixFilePermission>> modeAttribute(Set<PosixFilePermission> mode) {
    return PosixFilePermissions.asFileAttribute(mode);
  }

  private static byte[] randomBytes(int n) {
    byte[] out = new byte[n];
    RANDOM.nextBytes(out);
    return out;
  }
}
