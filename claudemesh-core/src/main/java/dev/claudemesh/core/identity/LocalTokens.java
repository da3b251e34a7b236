package dev.claudemesh.core.identity;

import dev.claudemesh.core.crypto.SecureRandomBytes;
import dev.claudemesh.core.internal.SecureFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bearer token of the TCP API (SPEC §2.4, §3.1): {@code local_token}, 32 random bytes as
 * base64url without padding, mode 0600, created at first start. After a rotation the previous
 * token keeps working for {@link #ROTATION_GRACE}, then is refused. Thread-safe. Never logs or
 * prints a token.
 */
public final class LocalTokens {
  public static final Duration ROTATION_GRACE = Duration.ofSeconds(60);

  private static final Logger log = LoggerFactory.getLogger(LocalTokens.class);
  private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9_-]{43}");

  private final Path file;
  private final Clock clock;
  private byte[] current;
  private byte @Nullable [] previous;
  private Instant previousExpires = Instant.MIN;

  private LocalTokens(Path file, Clock clock, byte[] current) {
    this.file = file;
    this.clock = clock;
    this.current = current;
  }

  /**
   * Loads {@code local_token}, creating it if missing. A file that does not hold a well-formed
   * token is replaced with a new one (logged at WARN without its content).
   */
  public static LocalTokens openOrCreate(Path file, Clock clock) throws IOException {
    Objects.requireNonNull(file, "file == null");
    Objects.requireNonNull(clock, "clock == null");
    byte[] existing = readToken(file);
    if (existing != null) {
      SecureFiles.widerThan(file, SecureFiles.FILE_0600)
          .ifPresent(mode -> log.warn("local_token has mode {}; expected rw------- (0600)", mode));
      return new LocalTokens(file, clock, existing);
    }
    if (Files.exists(file)) {
      log.warn("local_token is malformed; replacing it with a new token");
    }
    byte[] fresh = newToken();
    SecureFiles.writeAtomically(file, fresh, SecureFiles.FILE_0600);
    return new LocalTokens(file, clock, fresh);
  }

  /**
   * Writes a new token atomically. The old one stays valid for {@link #ROTATION_GRACE}.
   */
  public synchronized void rotate() throws IOException {
    byte[] fresh = newToken();
    SecureFiles.writeAtomically(file, fresh, SecureFiles.FILE_0600);
    retire(current);
    current = fresh;
    log.info("local_token rotated; the previous token is accepted for {} more seconds", ROTATION_GRACE.toSeconds());
  }

  /**
   * Re-reads {@code local_token}, for a rotation done by another process ({@code claudemesh daemon
   * rotate-token}); the token it replaced gets the same grace.
   */
  public synchronized void reload() throws IOException {
    byte[] onDisk = readToken(file);
    if (onDisk != null && !MessageDigest.isEqual(onDisk, current)) {
      retire(current);
      current = onDisk;
      log.info("local_token changed on disk; the previous token is accepted for {} more seconds",
          ROTATION_GRACE.toSeconds());
    }
  }

  /** Whether {@code presented} is the current token, or the previous one within its grace. Constant time. */
  public synchronized boolean matches(@Nullable String presented) {
    if (presented == null) {
      return false;
    }
    byte[] candidate = presented.getBytes(StandardCharsets.US_ASCII);
    boolean ok = MessageDigest.isEqual(candidate, current);
    byte[] old = previous;
    if (old != null) {
      boolean inGrace = clock.instant().isBefore(previousExpires);
      ok |= MessageDigest.isEqual(candidate, old) & inGrace;
    }
    return ok;
  }

  /** The current token, for a client on this host that reads it to authenticate. Never log it. */
  public synchronized String insecureCurrentToken() {
    return new String(current, StandardCharsets.US_ASCII);
  }

  public Path file() {
    return file;
  }

  @Override
  public String toString() {
    return "LocalTokens{file=" + file + "}";
  }

  private void retire(byte[] token) {
    previous = token;
    previousExpires = clock.instant().plus(ROTATION_GRACE);
  }

  private static byte[] newToken() {
    return Base64.getUrlEncoder().withoutPadding().encode(SecureRandomBytes.next(32));
  }

  private static byte @Nullable [] readToken(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII).trim();
    } catch (NoSuchFileException e) {
      return null;
    } catch (java.nio.charset.MalformedInputException e) {
      return null;
    }
    return FORMAT.matcher(text).matches() ? text.getBytes(StandardCharsets.US_ASCII) : null;
  }
}
