package dev.claudemesh.daemon.hooks;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the daemon runs one hook: one table of {@code hooks.toml} merged over its {@code [defaults]}
 * (SPEC §9). {@link HooksConfig} builds these and checks every rule; this record only checks that
 * its values are in range. It holds no secrets, so its {@code toString()} may be logged.
 *
 * @param name the hook's executable name in {@code hooks/}, e.g. {@code on-dm}
 * @param enabled false turns the hook off while keeping its table
 * @param timeout how long a run may take before it is killed
 * @param outputSizeLimit bytes of stdout kept from one run; more is cut off
 * @param redactPayload JSON paths whose values are replaced by {@code "[redacted]"} in the event
 * @param allowReply whether the hook gets a capability token
 * @param capabilityTokenScope the token's scopes, e.g. {@code reply:event}, {@code
 *     dm:send:<sender>}, {@code topic:<topic>:post}, {@code topic:alerts:post}
 * @param networkPolicy the hook's network access
 * @param networkAllowlist {@code host} or {@code host:port} entries, for {@link
 *     NetworkPolicy#ALLOWLIST} only
 * @param killpgOnTimeout kill the hook's whole process group on timeout, not just the hook
 * @param audit what the audit line of each run records
 */
public record HookPolicy(
    String name,
    boolean enabled,
    Duration timeout,
    int outputSizeLimit,
    List<String> redactPayload,
    boolean allowReply,
    List<String> capabilityTokenScope,
    NetworkPolicy networkPolicy,
    List<String> networkAllowlist,
    boolean killpgOnTimeout,
    AuditLevel audit) {

  /** Default {@code timeout_s}. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /** Default {@code output_size_limit}: 64 KiB. */
  public static final int DEFAULT_OUTPUT_SIZE_LIMIT = 64 * 1024;

  /** Checks ranges and copies the lists. */
  public HookPolicy {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(networkPolicy, "networkPolicy");
    Objects.requireNonNull(audit, "audit");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive");
    }
    if (outputSizeLimit < 0) {
      throw new IllegalArgumentException("outputSizeLimit must not be negative");
    }
    redactPayload = List.copyOf(redactPayload);
    capabilityTokenScope = List.copyOf(capabilityTokenScope);
    networkAllowlist = List.copyOf(networkAllowlist);
  }

  /**
   * The policy of a hook whose table sets nothing: enabled (a hook runs only when its table exists
   * in {@code hooks.toml}; the table's presence is the opt-in), 30 s timeout, 64 KiB output, no
   * redaction, no token, no network, process group killed on timeout, metadata audit.
   */
  public static HookPolicy defaults(String name) {
    return new HookPolicy(name, true, DEFAULT_TIMEOUT, DEFAULT_OUTPUT_SIZE_LIMIT, List.of(), false, List.of(),
        NetworkPolicy.DENY, List.of(), true, AuditLevel.METADATA);
  }

  /** Whether a run of this hook gets a capability token: {@code allow_reply} and at least one scope. */
  public boolean grantsToken() {
    return allowReply && !capabilityTokenScope.isEmpty();
  }
}
