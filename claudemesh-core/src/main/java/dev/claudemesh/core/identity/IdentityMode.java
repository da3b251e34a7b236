package dev.claudemesh.core.identity;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Persistent (keys in {@code keypair.json}, same member across restarts) or ephemeral (keys only
 * in memory, a fresh member removed at shutdown or TTL), decided once at start (SPEC §2.2).
 */
public enum IdentityMode {
  PERSISTENT,
  EPHEMERAL;

  /** Environment variables that mean "running in CI" (SPEC §2.2), in the order they are named. */
  static final List<String> CI_VARIABLES = List.of(
      "CI", "GITHUB_ACTIONS", "GITLAB_CI", "BUILDKITE", "CIRCLECI", "JENKINS_URL", "KUBERNETES_SERVICE_HOST");

  static final String RUNPOD_VARIABLE = "RUNPOD_POD_ID";

  /** The mode and why it was chosen, for the one INFO line logged at start. */
  public static final class Decision {
    private final IdentityMode mode;
    private final String reason;

    Decision(IdentityMode mode, String reason) {
      this.mode = mode;
      this.reason = reason;
    }

    public IdentityMode mode() {
      return mode;
    }

    public String reason() {
      return reason;
    }

    @Override
    public String toString() {
      return mode + " (" + reason + ")";
    }
  }

  /**
   * Decides the mode: {@code --ephemeral} and {@code --persistent} win (both is a usage error);
   * otherwise CI auto-detection makes it ephemeral; {@code RUNPOD_POD_ID} (a single-tenant
   * container) and everything else make it persistent.
   *
   * @throws IllegalArgumentException if both flags are given
   */
  public static Decision decide(Map<String, String> env, boolean persistentFlag, boolean ephemeralFlag) {
    Objects.requireNonNull(env, "env == null");
    if (persistentFlag && ephemeralFlag) {
      throw new IllegalArgumentException("--persistent and --ephemeral exclude each other");
    }
    if (ephemeralFlag) {
      return new Decision(EPHEMERAL, "--ephemeral");
    }
    if (persistentFlag) {
      return new Decision(PERSISTENT, "--persistent");
    }
    for (String variable : CI_VARIABLES) {
      String value = env.get(variable);
      boolean set = variable.equals("CI") ? "true".equalsIgnoreCase(value) : value != null && !value.isEmpty();
      if (set) {
        return new Decision(EPHEMERAL, "CI detected (" + variable + " is set; --persistent overrides)");
      }
    }
    String runpod = env.get(RUNPOD_VARIABLE);
    if (runpod != null && !runpod.isEmpty()) {
      return new Decision(PERSISTENT, "RunPod single-tenant container (" + RUNPOD_VARIABLE + " is set)");
    }
    return new Decision(PERSISTENT, "default");
  }
}
