package dev.claudemesh.core.internal;

import dev.claudemesh.core.jcs.Jcs;
import dev.claudemesh.core.jcs.JcsException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Small JSON state files: read strictly (RFC 8785 parser: duplicate names and other malformations
 * are errors), written canonically and atomically with their mode, and moved aside when malformed.
 */
public final class StateFiles {
  private static final DateTimeFormatter QUARANTINE_STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(java.time.ZoneOffset.UTC);

  private StateFiles() {}

  /** A file that exists but cannot be used; the message says why, never the file's secrets. */
  public static final class MalformedStateException extends IOException {
    private static final long serialVersionUID = 1L;

    public MalformedStateException(Path file, String problem) {
      super(file.getFileName() + " is malformed: " + problem);
    }
  }

  /**
   * Reads a JSON object.
   *
   * @throws MalformedStateException if the file is not a single strict JSON object
   */
  public static Map<String, @Nullable Object> readObject(Path file) throws IOException {
    Object value;
    try {
      value = Jcs.parse(Files.readAllBytes(file));
    } catch (JcsException e) {
      throw new MalformedStateException(file, e.getMessage());
    }
    if (!(value instanceof Map)) {
      throw new MalformedStateException(file, "not a JSON object");
    }
    @SuppressWarnings("unchecked")
    Map<String, @Nullable Object> map = (Map<String, @Nullable Object>) value;
    return map;
  }

  /** Writes {@code object} as canonical JSON plus a newline, atomically, with {@code mode}. */
  public static void writeObject(Path file, Map<String, ?> object, Set<PosixFilePermission> mode) throws IOException {
    byte[] content = (Jcs.canonicalizeValue(object) + "\n").getBytes(StandardCharsets.UTF_8);
    SecureFiles.writeAtomically(file, content, mode);
  }

  /**
   * Moves a malformed file aside as {@code NAME.malformed-<UTC timestamp>} (keeping its mode) and
   * returns the new path, so the data is kept for inspection and a fresh file can take its place.
   */
  public static Path quarantine(Path file, Clock clock) throws IOException {
    String stamp = QUARANTINE_STAMP.format(clock.instant());
    Path target = file.resolveSibling(file.getFileName() + ".malformed-" + stamp);
    for (int n = 1; Files.exists(target); n++) {
      target = file.resolveSibling(file.getFileName() + ".malformed-" + stamp + "-" + n);
    }
    Files.move(file, target);
    SecureFiles.fsyncDirectory(file.toAbsolutePath().getParent());
    return target;
  }

  public static String requireString(Map<String, ?> object, String key, Path file) throws MalformedStateException {
    Object value = object.get(key);
    if (!(value instanceof String) || ((String) value).isEmpty()) {
      throw new MalformedStateException(file, "\"" + key + "\" must be a non-empty string");
    }
    return (String) value;
  }

  public static @Nullable String optionalString(Map<String, ?> object, String key, Path file)
      throws MalformedStateException {
    Object value = object.get(key);
    if (value != null && !(value instanceof String)) {
      throw new MalformedStateException(file, "\"" + key + "\" must be a string");
    }
    return (String) value;
  }

  public static long requireLong(Map<String, ?> object, String key, Path file) throws MalformedStateException {
    Object value = object.get(key);
    if (!(value instanceof Number)) {
      throw new MalformedStateException(file, "\"" + key + "\" must be a number");
    }
    double d = ((Number) value).doubleValue();
    if (d != Math.rint(d) || Math.abs(d) > (1L << 53)) {
      throw new MalformedStateException(file, "\"" + key + "\" must be an integer");
    }
    return (long) d;
  }
}
