package dev.claudemesh.core.identity;

import dev.claudemesh.core.internal.SecureFiles;
import dev.claudemesh.core.internal.StateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accidental-clone detection (SPEC §2.3), not attacker-grade: {@code host_fingerprint.json} holds
 * {@code {schema_version, fingerprint, host_id, stable_mac, written_at}} where fingerprint =
 * sha256(version tag 0x00 host_id 0x00 stable_mac), hex.
 *
 * <p>A matching host id wins over a drifted MAC. With neither a host id nor a MAC, a random id is
 * persisted once and reused. {@code [clone] id_override} replaces both inputs.
 */
public final class HostFingerprints {
  static final String VERSION_TAG = "claudemesh-host-fingerprint-v1";
  static final long SCHEMA_VERSION = 1;
  static final String RANDOM_PREFIX = "random:";

  private static final Logger log = LoggerFactory.getLogger(HostFingerprints.class);

  private final Path file;
  private final HostProbe probe;
  private final Optional<String> idOverride;
  private final Clock clock;

  public HostFingerprints(Path file, Optional<String> idOverride, Clock clock) {
    this(file, HostProbes.forCurrentOs(), idOverride, clock);
  }

  HostFingerprints(Path file, HostProbe probe, Optional<String> idOverride, Clock clock) {
    this.file = Objects.requireNonNull(file, "file == null");
    this.probe = Objects.requireNonNull(probe, "probe == null");
    this.idOverride = Objects.requireNonNull(idOverride, "idOverride == null");
    this.clock = Objects.requireNonNull(clock, "clock == null");
  }

  /** Compares this host with the stored fingerprint and applies {@code policy}. */
  public CloneCheck check(ClonePolicy policy) throws IOException {
    Optional<Stored> stored = readStored();
    Inputs current = currentInputs(stored);
    if (stored.isEmpty()) {
      write(current);
      return new CloneCheck(CloneCheck.Outcome.FIRST_RUN, "host fingerprint recorded");
    }
    Stored previous = stored.get();
    if (previous.fingerprint.equals(current.fingerprint())) {
      return new CloneCheck(CloneCheck.Outcome.MATCH, "host fingerprint matches");
    }
    if (current.hostId.isEmpty() && !previous.hostId.isEmpty() && !previous.stableMac.isEmpty()
        && previous.stableMac.equals(current.stableMac)) {
      // The host id source failed this time (a timed-out command); the MAC still matches.
      log.info("host id unavailable this start; stable MAC matches the recorded one");
      return new CloneCheck(CloneCheck.Outcome.MATCH, "host fingerprint matches by MAC (host id unavailable)");
    }
    if (!current.hostId.isEmpty() && current.hostId.equals(previous.hostId)) {
      write(current);
      log.info("host_mac_drift: the host id matches but the stable MAC changed; fingerprint rewritten");
      return new CloneCheck(CloneCheck.Outcome.MAC_DRIFT_ACCEPTED,
          "same host id, MAC changed; host fingerprint rewritten");
    }
    String mismatch = "this daemon directory was created on another host (host fingerprint "
        + previous.fingerprint.substring(0, 12) + "… is now " + current.fingerprint().substring(0, 12)
        + "…): it may be a copy. Run `claudemesh daemon accept-host` to keep this identity here,"
        + " or `claudemesh daemon remint` to become a new member";
    switch (policy) {
      case WARN:
        log.warn("host_fingerprint_mismatch: {}; starting because [clone] policy = warn", mismatch);
        return new CloneCheck(CloneCheck.Outcome.MISMATCH_WARNED, mismatch);
      case ALLOW:
        log.info("host_fingerprint_mismatch: starting because [clone] policy = allow");
        return new CloneCheck(CloneCheck.Outcome.MISMATCH_ALLOWED, mismatch);
      default:
        log.error("host_fingerprint_mismatch: {}", mismatch);
        return new CloneCheck(CloneCheck.Outcome.REFUSED, mismatch);
    }
  }

  /** Records this host as the owner of the directory ({@code claudemesh daemon accept-host}). */
  public void acceptHost() throws IOException {
    Optional<Stored> stored = readStored();
    write(currentInputs(stored));
    log.info("host fingerprint rewritten for this host (accept-host)");
  }

  private Inputs currentInputs(Optional<Stored> stored) {
    if (idOverride.isPresent()) {
      return new Inputs(idOverride.get(), "");
    }
    HostFacts facts = probe.probe();
    if (facts.hostId().isEmpty() && facts.stableMac().isEmpty()) {
      String randomId = stored.map(s -> s.hostId).filter(id -> id.startsWith(RANDOM_PREFIX))
          .orElseGet(() -> RANDOM_PREFIX + UUID.randomUUID());
      if (stored.isEmpty() || !stored.get().hostId.equals(randomId)) {
        log.warn("fingerprint_unavailable: no host id and no stable MAC found; using a persisted random id");
      }
      return new Inputs(randomId, "");
    }
    return new Inputs(facts.hostId().orElse(""), facts.stableMac().orElse(""));
  }

  private Optional<Stored> readStored() throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      Map<String, ?> json = StateFiles.readObject(file);
      long version = StateFiles.requireLong(json, "schema_version", file);
      if (version != SCHEMA_VERSION) {
        throw new StateFiles.MalformedStateException(file, "unknown schema_version " + version);
      }
      String fingerprint = StateFiles.requireString(json, "fingerprint", file);
      String hostId = StateFiles.optionalString(json, "host_id", file);
      String stableMac = StateFiles.optionalString(json, "stable_mac", file);
      return Optional.of(new Stored(fingerprint, hostId == null ? "" : hostId, stableMac == null ? "" : stableMac));
    } catch (StateFiles.MalformedStateException e) {
      Path moved = StateFiles.quarantine(file, clock);
      log.warn("{}; moved to {} and recording this host afresh", e.getMessage(), moved.getFileName());
      return Optional.empty();
    }
  }

  private void write(Inputs inputs) throws IOException {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("schema_version", SCHEMA_VERSION);
    json.put("fingerprint", inputs.fingerprint());
    json.put("host_id", inputs.hostId);
    json.put("stable_mac", inputs.stableMac);
    json.put("written_at", clock.instant().toString());
    StateFiles.writeObject(file, json, SecureFiles.FILE_0600);
  }

  /** sha256(tag 0x00 host_id 0x00 stable_mac) as lowercase hex. */
  static String fingerprint(String hostId, String stableMac) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(VERSION_TAG.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(hostId.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(stableMac.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static final class Inputs {
    final String hostId;
    final String stableMac;

    Inputs(String hostId, String stableMac) {
      this.hostId = hostId;
      this.stableMac = stableMac;
    }

    String fingerprint() {
      return HostFingerprints.fingerprint(hostId, stableMac);
    }
  }

  private static final class Stored {
    final String fingerprint;
    final String hostId;
    final String stableMac;

    Stored(String fingerprint, String hostId, String stableMac) {
      this.fingerprint = fingerprint;
      this.hostId = hostId;
      this.stableMac = stableMac;
    }
  }
}
