package dev.claudemesh.core.identity;

import dev.claudemesh.core.crypto.Ed25519PublicKey;
import dev.claudemesh.core.crypto.Ed25519SigningKey;
import dev.claudemesh.core.crypto.X25519SecretKey;
import dev.claudemesh.core.internal.SecureFiles;
import dev.claudemesh.core.internal.StateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rotated-out X25519 keys kept for a grace period so DMs sealed to the old key still open (SPEC
 * §2.5): {@code keypair-archive.json}, mode 0600, {@code {schema_version:1, max_archived_keys:8,
 * keys:[{key_id, ed25519_pubkey, x25519_pubkey, x25519_privkey, created_at, rotated_out_at,
 * expires_at}]}}.
 *
 * <p>A malformed archive (bad JSON, bad schema, duplicate {@code key_id}, a private key that does
 * not match its public keys) is moved to {@code keypair-archive.json.malformed-<ts>} and the
 * archive starts empty; a file mode wider than 0600 is a warning. Past {@link #MAX_ARCHIVED_KEYS}
 * the oldest key is force-expired. Thread-safe. Secure erasure of dropped keys is not promised.
 */
public final class KeyArchive {
  public static final int MAX_ARCHIVED_KEYS = 8;
  public static final Duration DEFAULT_GRACE = Duration.ofDays(7);
  public static final int MAX_GRACE_DAYS = 30;
  static final long SCHEMA_VERSION = 1;

  private static final Logger log = LoggerFactory.getLogger(KeyArchive.class);

  private final Path file;
  private final Clock clock;
  private List<ArchivedKey> keys;

  private KeyArchive(Path file, Clock clock, List<ArchivedKey> keys) {
    this.file = file;
    this.clock = clock;
    this.keys = keys;
  }

  /**
   * The grace period for {@code [crypto] key_grace_period_days}: above 30 it is clamped to 30 with
   * a warning naming the key.
   *
   * @throws IllegalArgumentException for a negative value
   */
  public static Duration graceFromConfig(long days) {
    if (days < 0) {
      throw new IllegalArgumentException("[crypto] key_grace_period_days must be >= 0, got " + days);
    }
    if (days > MAX_GRACE_DAYS) {
      log.warn("[crypto] key_grace_period_days = {} is above the hard cap; using {}", days, MAX_GRACE_DAYS);
      return Duration.ofDays(MAX_GRACE_DAYS);
    }
    return Duration.ofDays(days);
  }

  /** Loads the archive, quarantining a malformed file and starting empty (never fails on content). */
  public static KeyArchive load(Path file, Clock clock) throws IOException {
    Objects.requireNonNull(file, "file == null");
    Objects.requireNonNull(clock, "clock == null");
    if (!Files.exists(file)) {
      return new KeyArchive(file, clock, new ArrayList<>());
    }
    SecureFiles.widerThan(file, SecureFiles.FILE_0600)
        .ifPresent(mode -> log.warn("keypair-archive.json has mode {}; expected rw------- (0600)", mode));
    try {
      return new KeyArchive(file, clock, parse(file));
    } catch (StateFiles.MalformedStateException e) {
      Path moved = StateFiles.quarantine(file, clock);
      log.error("{}; moved to {}; starting with an empty key archive", e.getMessage(), moved.getFileName());
      return new KeyArchive(file, clock, new ArrayList<>());
    }
  }

  /**
   * Archives the X25519 key of {@code rotatedOut} for {@code grace}, durably. If the file cannot be
   * written, the archive is unchanged and the exception propagates: the rotation must abort.
   */
  public synchronized ArchivedKey archive(Ed25519SigningKey rotatedOut, Instant createdAt, Duration grace)
      throws IOException {
    Objects.requireNonNull(rotatedOut, "rotatedOut == null");
    Instant now = clock.instant();
    ArchivedKey entry = new ArchivedKey(keyIdOf(rotatedOut.publicKey()), rotatedOut.publicKey(),
        rotatedOut.toX25519(), createdAt, now, now.plus(grace));
    List<ArchivedKey> next = new ArrayList<>();
    for (ArchivedKey key : keys) {
      if (!key.keyId().equals(entry.keyId())) {
        next.add(key);
      }
    }
    next.add(entry);
    next.sort(Comparator.comparing(ArchivedKey::rotatedOutAt));
    while (next.size() > MAX_ARCHIVED_KEYS) {
      ArchivedKey oldest = next.remove(0);
      log.info("key archive over its cap of {}: force-expired key {}", MAX_ARCHIVED_KEYS, oldest.keyId());
    }
    write(next);
    keys = next;
    return entry;
  }

  /** Drops expired keys (daily, and {@code claudemesh daemon archive-cleanup}); returns how many. */
  public synchronized int cleanup() throws IOException {
    Instant now = clock.instant();
    List<ArchivedKey> next = new ArrayList<>();
    for (ArchivedKey key : keys) {
      if (!key.expiredAt(now)) {
        next.add(key);
      }
    }
    int removed = keys.size() - next.size();
    if (removed > 0) {
      write(next);
      keys = next;
      log.info("key archive cleanup removed {} expired key(s)", removed);
    }
    return removed;
  }

  /** Archived keys still in their grace period, newest first. */
  public synchronized List<ArchivedKey> activeKeys() {
    Instant now = clock.instant();
    List<ArchivedKey> active = new ArrayList<>();
    for (int i = keys.size() - 1; i >= 0; i--) {
      if (!keys.get(i).expiredAt(now)) {
        active.add(keys.get(i));
      }
    }
    return active;
  }

  /** Archived keys past their grace that cleanup has not removed yet. */
  public synchronized List<ArchivedKey> expiredKeys() {
    Instant now = clock.instant();
    List<ArchivedKey> expired = new ArrayList<>();
    for (ArchivedKey key : keys) {
      if (key.expiredAt(now)) {
        expired.add(key);
      }
    }
    return expired;
  }

  public synchronized int size() {
    return keys.size();
  }

  /** A stable short id: the first 16 hex characters of the ed25519 public key. */
  static String keyIdOf(Ed25519PublicKey key) {
    return key.hex().substring(0, 16);
  }

  private void write(List<ArchivedKey> entries) throws IOException {
    List<Map<String, Object>> list = new ArrayList<>();
    for (ArchivedKey key : entries) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("key_id", key.keyId());
      json.put("ed25519_pubkey", key.ed25519PublicKey().hex());
      json.put("x25519_pubkey", key.x25519SecretKey().publicKey().hex());
      json.put("x25519_privkey", key.x25519SecretKey().insecureSecretHex());
      json.put("created_at", key.createdAt().toString());
      json.put("rotated_out_at", key.rotatedOutAt().toString());
      json.put("expires_at", key.expiresAt().toString());
      list.add(json);
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("schema_version", SCHEMA_VERSION);
    root.put("max_archived_keys", MAX_ARCHIVED_KEYS);
    root.put("keys", list);
    StateFiles.writeObject(file, root, SecureFiles.FILE_0600);
  }

  private static List<ArchivedKey> parse(Path file) throws IOException {
    Map<String, ?> root = StateFiles.readObject(file);
    long version = StateFiles.requireLong(root, "schema_version", file);
    if (version != SCHEMA_VERSION) {
      throw new StateFiles.MalformedStateException(file, "unknown schema_version " + version);
    }
    long max = StateFiles.requireLong(root, "max_archived_keys", file);
    if (max < 1) {
      throw new StateFiles.MalformedStateException(file, "max_archived_keys must be at least 1");
    }
    Object list = root.get("keys");
    if (!(list instanceof List)) {
      throw new StateFiles.MalformedStateException(file, "\"keys\" must be an array");
    }
    List<ArchivedKey> keys = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (Object item : (List<?>) list) {
      if (!(item instanceof Map)) {
        throw new StateFiles.MalformedStateException(file, "every entry of \"keys\" must be an object");
      }
      @SuppressWarnings("unchecked")
      Map<String, ?> entry = (Map<String, ?>) item;
      String keyId = StateFiles.requireString(entry, "key_id", file);
      if (!ids.add(keyId)) {
        throw new StateFiles.MalformedStateException(file, "duplicate key_id " + keyId);
      }
      keys.add(parseEntry(file, keyId, entry));
    }
    keys.sort(Comparator.comparing(ArchivedKey::rotatedOutAt));
    return keys;
  }

  private static ArchivedKey parseEntry(Path file, String keyId, Map<String, ?> entry) throws IOException {
    Ed25519PublicKey ed25519;
    X25519SecretKey secret;
    try {
      ed25519 = Ed25519PublicKey.fromHex(StateFiles.requireString(entry, "ed25519_pubkey", file));
      secret = X25519SecretKey.fromInsecureHex(StateFiles.requireString(entry, "x25519_privkey", file));
      String x25519Public = StateFiles.requireString(entry, "x25519_pubkey", file);
      if (!secret.publicKey().hex().equalsIgnoreCase(x25519Public)) {
        throw new StateFiles.MalformedStateException(file, "key " + keyId + ": x25519_privkey does not match x25519_pubkey");
      }
      if (!ed25519.toX25519().equals(secret.publicKey())) {
        throw new StateFiles.MalformedStateException(file, "key " + keyId + ": x25519 keys do not belong to ed25519_pubkey");
      }
    } catch (IllegalArgumentException e) {
      throw new StateFiles.MalformedStateException(file, "key " + keyId + ": " + e.getMessage());
    }
    return new ArchivedKey(keyId, ed25519, secret,
        instant(entry, "created_at", file), instant(entry, "rotated_out_at", file), instant(entry, "expires_at", file));
  }

  private static Instant instant(Map<String, ?> entry, String key, Path file) throws IOException {
    String text = StateFiles.requireString(entry, key, file);
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new StateFiles.MalformedStateException(file, "\"" + key + "\" is not an ISO-8601 instant");
    }
  }

  @Override
  public synchronized String toString() {
    return "KeyArchive{file=" + file + ", keys=" + keys.size() + "}";
  }
}
