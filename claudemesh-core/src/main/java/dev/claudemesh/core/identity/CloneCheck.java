package dev.claudemesh.core.identity;

/**
 * The outcome of comparing this host with {@code host_fingerprint.json} at start (SPEC §2.3).
 * Only {@link Outcome#REFUSED} stops the daemon; the command line maps it to exit code {@link
 * #EXIT_CODE_REFUSED}.
 */
public final class CloneCheck {
  public static final int EXIT_CODE_REFUSED = 4;

  /** How the check ended. */
  public enum Outcome {
    /** No fingerprint was stored; this host's was written. */
    FIRST_RUN,
    /** Same host. */
    MATCH,
    /** Same host id, different MAC (a NIC changed): accepted, file rewritten. */
    MAC_DRIFT_ACCEPTED,
    /** A different host, started anyway because the policy is warn. */
    MISMATCH_WARNED,
    /** A different host, started anyway because the policy is allow. */
    MISMATCH_ALLOWED,
    /** A different host and the policy is refuse: do not start. */
    REFUSED
  }

  private final Outcome outcome;
  private final String message;

  CloneCheck(Outcome outcome, String message) {
    this.outcome = outcome;
    this.message = message;
  }

  public Outcome outcome() {
    return outcome;
  }

  public boolean refused() {
    return outcome == Outcome.REFUSED;
  }

  /** A sentence for the operator; for a refusal it names {@code accept-host} and {@code remint}. */
  public String message() {
    return message;
  }

  @Override
  public String toString() {
    return "CloneCheck{" + outcome + ": " + message + "}";
  }
}
