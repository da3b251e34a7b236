package dev.claudemesh.daemon.hooks;

import dev.claudemesh.daemon.ipc.Capabilities;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The live capability tokens of running hooks (SPEC §9). A token is 32 random bytes, base64url;
 * only its SHA-256 is kept, so a lookup compares digests, never the secret. It lives until its
 * hook exits ({@link Issued#close()}) or {@link #LIFETIME} after it was issued, whichever comes
 * first; an expired token is forgotten on its next lookup and by {@link #sweep()}.
 */
public final class HookTokens implements Capabilities {
  /** The longest a token lives, even when its hook is still running. */
  public static final Duration LIFETIME = Duration.ofMinutes(5);

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Clock clock;
  private final ConcurrentHashMap<String, Grant> live = new ConcurrentHashMap<>();
  private final AtomicLong refused = new AtomicLong();

  public HookTokens(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock == null");
  }

  /** Mints a token for one run of {@code hook} started by event {@code eventId}. */
  public Issued issue(String hook, String eventId, List<Scope> scopes) {
    if (scopes.isEmpty()) {
      throw new IllegalArgumentException("a token needs at least one scope");
    }
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    String digest = digest(token);
    Grant grant = new Grant(hook, hook + "#" + eventId, List.copyOf(scopes),
        clock.instant().plus(LIFETIME));
    live.put(digest, grant);
    sweep();
    return new Issued(token, digest);
  }

  @Override
  public Optional<Capability> lookup(String token) {
    String digest = digest(token);
    Grant grant = live.get(digest);
    if (grant == null) {
      return Optional.empty();
    }
    if (!clock.instant().isBefore(grant.expires)) {
      live.remove(digest, grant);
      return Optional.empty();
    }
    return Optional.of(grant);
  }

  /** Forgets every expired token. */
  public void sweep() {
    Instant now = clock.instant();
    live.values().removeIf(g -> !now.isBefore(g.expires));
  }

  /** Tokens alive now. */
  public int liveCount() {
    sweep();
    return live.size();
  }

  /** Requests refused because they went beyond their token's scope. */
  public long refusedCount() {
    return refused.get();
  }

  private static String digest(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Override
  public String toString() {
    return "HookTokens{live=" + live.size() + "}";
  }

  /** A token handed to one hook run; closing it revokes the token. */
  public final class Issued implements AutoCloseable {
    private final String token;
    private final String digest;

    private Issued(String token, String digest) {
      this.token = token;
      this.digest = digest;
    }

    /** The secret, for the hook's environment only. */
    public String token() {
      return token;
    }

    @Override
    public void close() {
      live.remove(digest);
    }

    @Override
    public String toString() {
      return "Issued{token=***}";
    }
  }

  private final class Grant implements Capability {
    private final String hook;
    private final String label;
    private final List<Scope> scopes;
    private final Instant expires;

    Grant(String hook, String label, List<Scope> scopes, Instant expires) {
      this.hook = hook;
      this.label = label;
      this.scopes = scopes;
      this.expires = expires;
    }

    @Override
    public String label() {
      return label;
    }

    /** Every run of one hook shares one request budget. */
    @Override
    public String rateKey() {
      return "hook:" + hook;
    }

    @Override
    public Optional<String> refusal(Request request) {
      for (Scope scope : scopes) {
        if (scope.allows(request)) {
          return Optional.empty();
        }
      }
      refused.incrementAndGet();
      return Optional.of("the token of hook run " + label + " allows only "
          + scopes.stream().map(Scope::describe).collect(Collectors.joining(", "))
          + "; not " + request.method() + " " + request.path()
          + (request.to() == null ? "" : " to " + request.to()));
    }

    @Override
    public String toString() {
      return "Grant{" + label + "}";
    }
  }
}
