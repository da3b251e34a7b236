package dev.claudemesh.daemon.hooks;

/** Where the hook runner reports its counts ({@code cm_daemon_hook_*}, SPEC §10.4). */
public interface HookMetrics {
  /** Reports nothing. */
  HookMetrics NONE = new HookMetrics() {
    @Override
    public void ran(String hook, String outcome, long durationNanos) {}

    @Override
    public void unenforceable(String hook) {}

    @Override
    public void dropped(String hook) {}
  };

  /** One run ended; {@code outcome} is one of {@link HookManager.Outcome}'s wire names. */
  void ran(String hook, String outcome, long durationNanos);

  /** A run whose {@code network_policy} could not be enforced here. */
  void unenforceable(String hook);

  /** A run that never started because the queue was full. */
  void dropped(String hook);
}
