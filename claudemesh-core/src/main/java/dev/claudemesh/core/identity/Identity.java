package dev.claudemesh.core.identity;

import dev.claudemesh.core.crypto.Ed25519SigningKey;
import dev.claudemesh.core.internal.SecureFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member identity opened on a daemon directory (SPEC §1, §2): the signing key, {@code mesh.json},
 * the local token, the key archive and the DM key ring, after the start-up checks.
 *
 * <p>Open with {@link #builder(DaemonPaths)}. In persistent mode keys live in {@code keypair.json};
 * in ephemeral mode a fresh key lives only in memory and no key file is ever written. Thread-safe.
 * {@code toString()} shows no secret.
 */
public final class Identity {
  private static final Logger log = LoggerFactory.getLogger(Identity.class);

  private final DaemonPaths paths;
  private final IdentityMode.Decision mode;
  private final Clock clock;
  private final Duration keyGrace;
  private final HostFingerprints fingerprints;
  private final LocalTokens tokens;
  private final KeyArchive archive;
  private final DmKeyRing keyRing;
  private final @Nullable CloneCheck cloneCheck;
  private @Nullable Ed25519SigningKey key;
  private @Nullable MeshConfig mesh;

  private Identity(Builder builder, IdentityMode.Decision mode, HostFingerprints fingerprints,
      @Nullable CloneCheck cloneCheck, LocalTokens tokens, KeyArchive archive,
      @Nullable Ed25519SigningKey key, @Nullable MeshConfig mesh) {
    this.paths = builder.paths;
    this.mode = mode;
    this.clock = builder.clock;
    this.keyGrace = builder.keyGrace;
    this.fingerprints = fingerprints;
    this.cloneCheck = cloneCheck;
    this.tokens = tokens;
    this.archive = archive;
    this.key = key;
    this.mesh = mesh;
    this.keyRing = new DmKeyRing(() -> signingKey().toX25519(), archive);
  }

  public static Builder builder(DaemonPaths paths) {
    return new Builder(paths);
  }

  public DaemonPaths paths() {
    return paths;
  }

  public IdentityMode mode() {
    return mode.mode();
  }

  /** The result of the host check; empty in ephemeral mode, where nothing is persisted to clone. */
  public Optional<CloneCheck> cloneCheck() {
    return Optional.ofNullable(cloneCheck);
  }

  /** Whether a signing key exists (persistent mode: the member has joined). */
  public synchronized boolean hasKey() {
    return key != null;
  }

  /**
   * The member's signing key.
   *
   * @throws IllegalStateException before {@link #join} in persistent mode
   */
  public synchronized Ed25519SigningKey signingKey() {
    if (key == null) {
      throw new IllegalStateException(
          "no member key in " + paths.dir() + "; run `claudemesh join <broker-url> <invite>` first");
    }
    return key;
  }

  public synchronized Optional<MeshConfig> mesh() {
    return Optional.ofNullable(mesh);
  }

  public LocalTokens tokens() {
    return tokens;
  }

  public KeyArchive archive() {
    return archive;
  }

  public DmKeyRing keyRing() {
    return keyRing;
  }

  /**
   * Records a completed join (or an import from the original CLI): {@code mesh.json}, and in
   * persistent mode {@code keypair.json}. In ephemeral mode the key must be this identity's own
   * in-memory key.
   */
  public synchronized void join(MeshConfig joined, Ed25519SigningKey memberKey) throws IOException {
    Objects.requireNonNull(joined, "joined == null");
    Objects.requireNonNull(memberKey, "memberKey == null");
    if (mode.mode() == IdentityMode.PERSISTENT) {
      KeypairFile.write(paths.keypairJson(), memberKey, clock.instant());
    } else if (!memberKey.equals(key)) {
      throw new IllegalArgumentException("an ephemeral identity joins with its own in-memory key");
    }
    joined.write(paths.meshJson());
    key = memberKey;
    mesh = joined;
  }

  /**
   * Local part of {@code claudemesh daemon rotate-keypair}: archives the current X25519 key
   * durably, then writes {@code next} to {@code keypair.json}. If the archive cannot be written the
   * rotation is aborted and nothing changes. Registering the new key with the broker is the
   * caller's next step.
   */
  public synchronized ArchivedKey rotateKeypair(Ed25519SigningKey next) throws IOException {
    requirePersistent("rotate-keypair");
    Ed25519SigningKey old = signingKey();
    Instant createdAt = keyCreatedAt();
    ArchivedKey archived = archive.archive(old, createdAt, keyGrace);
    KeypairFile.write(paths.keypairJson(), next, clock.instant());
    key = next;
    log.info("member key rotated: {} archived until {}", archived.keyId(), archived.expiresAt());
    return archived;
  }

  /** {@code claudemesh daemon accept-host}: keep this identity on this host. */
  public void acceptHost() throws IOException {
    requirePersistent("accept-host");
    fingerprints.acceptHost();
  }

  /**
   * Local part of {@code claudemesh daemon remint}: the old key file is kept as {@code
   * keypair.json.replaced-<ts>} (mode 0600), a fresh key is written and this host recorded. The
   * caller then joins the mesh again as a new member.
   */
  public synchronized Ed25519SigningKey remint() throws IOException {
    requirePersistent("remint");
    Path keyFile = paths.keypairJson();
    if (Files.exists(keyFile)) {
      Path kept = keyFile.resolveSibling("keypair.json.replaced-" + clock.instant().toEpochMilli());
      Files.move(keyFile, kept);
      SecureFiles.fsyncDirectory(paths.dir());
      log.info("remint: previous key file kept as {}", kept.getFileName());
    }
    Ed25519SigningKey fresh = Ed25519SigningKey.generate();
    KeypairFile.write(keyFile, fresh, clock.instant());
    key = fresh;
    fingerprints.acceptHost();
    return fresh;
  }

  private Instant keyCreatedAt() {
    try {
      Object created = dev.claudemesh.core.internal.StateFiles.readObject(paths.keypairJson()).get("created_at");
      return created instanceof String ? Instant.parse((String) created) : clock.instant();
    } catch (IOException | RuntimeException e) {
      return clock.instant();
    }
  }

  private void requirePersistent(String command) {
    if (mode.mode() != IdentityMode.PERSISTENT) {
      throw new IllegalStateException(command + " needs a persistent identity; this one is ephemeral");
    }
  }

  @Override
  public synchronized String toString() {
    return "Identity{dir=" + paths.dir() + ", mode=" + mode.mode()
        + ", member=" + (key == null ? "none" : key.publicKey().hex()) + "}";
  }

  /** Opens an {@link Identity}. Defaults: system environment and clock, policy refuse, 7-day grace. */
  public static final class Builder {
    private final DaemonPaths paths;
    private Map<String, String> env = System.getenv();
    private Clock clock = Clock.systemUTC();
    private ClonePolicy clonePolicy = ClonePolicy.REFUSE;
    private Optional<String> idOverride = Optional.empty();
    private boolean persistentFlag;
    private boolean ephemeralFlag;
    private Duration keyGrace = KeyArchive.DEFAULT_GRACE;
    private @Nullable HostProbe hostProbe;

    private Builder(DaemonPaths paths) {
      this.paths = Objects.requireNonNull(paths, "paths == null");
    }

    public Builder env(Map<String, String> env) {
      this.env = Map.copyOf(Objects.requireNonNull(env, "env == null"));
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    public Builder clonePolicy(ClonePolicy clonePolicy) {
      this.clonePolicy = Objects.requireNonNull(clonePolicy, "clonePolicy == null");
      return this;
    }

    /** {@code [clone] id_override}: replaces the probed host id and MAC. */
    public Builder hostIdOverride(@Nullable String idOverride) {
      this.idOverride = Optional.ofNullable(idOverride).filter(s -> !s.isBlank());
      return this;
    }

    /** {@code --persistent}: persistent even in CI. */
    public Builder persistent(boolean persistentFlag) {
      this.persistentFlag = persistentFlag;
      return this;
    }

    /** {@code --ephemeral}. */
    public Builder ephemeral(boolean ephemeralFlag) {
      this.ephemeralFlag = ephemeralFlag;
      return this;
    }

    /** Grace for rotated-out keys; see {@link KeyArchive#graceFromConfig(long)}. */
    public Builder keyGrace(Duration keyGrace) {
      Objects.requireNonNull(keyGrace, "keyGrace == null");
      if (keyGrace.isNegative() || keyGrace.compareTo(Duration.ofDays(KeyArchive.MAX_GRACE_DAYS)) > 0) {
        throw new IllegalArgumentException("key grace must be between 0 and 30 days, got " + keyGrace);
      }
      this.keyGrace = keyGrace;
      return this;
    }

    Builder hostProbe(HostProbe hostProbe) {
      this.hostProbe = Objects.requireNonNull(hostProbe, "hostProbe == null");
      return this;
    }

    /**
     * Creates the directory (0700) if needed and runs the start-up checks.
     *
     * @throws IdentityUnavailableException if this is a different host and the policy is refuse
     * @throws dev.claudemesh.core.internal.StateFiles.MalformedStateException if {@code
     *     keypair.json} or {@code mesh.json} is unusable (never replaced silently)
     */
    public Identity open() throws IOException {
      SecureFiles.createPrivateDirectories(paths.dir());
      SecureFiles.widerThan(paths.dir(), SecureFiles.DIR_0700)
          .ifPresent(m -> log.warn("daemon directory {} has mode {}; expected rwx------ (0700)", paths.dir(), m));
      IdentityMode.Decision decision = IdentityMode.decide(env, persistentFlag, ephemeralFlag);
      log.info("identity mode {}", decision);
      HostFingerprints fingerprints = new HostFingerprints(paths.hostFingerprint(),
          hostProbe != null ? hostProbe : HostProbes.forCurrentOs(), idOverride, clock);
      CloneCheck check = null;
      Ed25519SigningKey key;
      if (decision.mode() == IdentityMode.PERSISTENT) {
        check = fingerprints.check(clonePolicy);
        if (check.refused()) {
          throw new IdentityUnavailableException(check);
        }
        key = Files.exists(paths.keypairJson()) ? KeypairFile.read(paths.keypairJson()) : null;
      } else {
        key = Ed25519SigningKey.generate();
      }
      MeshConfig mesh = Files.exists(paths.meshJson()) ? MeshConfig.read(paths.meshJson()) : null;
      LocalTokens tokens = LocalTokens.openOrCreate(paths.localToken(), clock);
      KeyArchive archive = KeyArchive.load(paths.keypairArchive(), clock);
      return new Identity(this, decision, fingerprints, check, tokens, archive, key, mesh);
    }
  }
}
