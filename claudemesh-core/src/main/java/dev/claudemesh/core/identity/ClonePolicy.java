package dev.claudemesh.core.identity;

import java.util.Locale;

/** What to do when the host fingerprint does not match ({@code [clone] policy}, SPEC §2.3). */
public enum ClonePolicy {
  /** Refuse to start (exit code 4) until {@code accept-host} or {@code remint}. The default. */
  REFUSE,
  /** Log a warning and start. */
  WARN,
  /** Start without complaint (logged at INFO). */
  ALLOW;

  /**
   * Parses a config value.
   *
   * @throws IllegalArgumentException naming the key and the allowed values
   */
  public static ClonePolicy fromConfig(String value) {
    for (ClonePolicy policy : values()) {
      if (policy.name().toLowerCase(Locale.ROOT).equals(value)) {
        return policy;
      }
    }
    throw new IllegalArgumentException(
        "[clone] policy = \"" + value + "\" is not one of refuse, warn, allow");
  }
}
