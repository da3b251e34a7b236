package dev.claudemesh.daemon.hooks;

/**
 * A hook's {@code network_policy} (SPEC §9). Enforcement is best effort: {@code unshare --net}
 * where the platform allows it, else the run is warned about and counted.
 */
public enum NetworkPolicy {
  /** No network access (the default). */
  DENY,
  /** Unrestricted network access. */
  ALLOW,
  /** Only the hosts of {@code network_allowlist}. */
  ALLOWLIST;

  /**
   * The policy for a TOML value: {@code "deny"}, {@code "allow"} or {@code "allowlist"}.
   *
   * @throws IllegalArgumentException for any other value
   */
  public static NetworkPolicy fromToml(String value) {
    switch (value) {
      case "deny":
        return DENY;
      case "allow":
        return ALLOW;
      case "allowlist":
        return ALLOWLIST;
      default:
        throw new IllegalArgumentException("network_policy must be \"deny\", \"allow\" or \"allowlist\"");
    }
  }

  /** The TOML spelling of this policy. */
  public String toToml() {
    switch (this) {
      case DENY:
        return "deny";
      case ALLOW:
        return "allow";
      default:
        return "allowlist";
    }
  }
}
