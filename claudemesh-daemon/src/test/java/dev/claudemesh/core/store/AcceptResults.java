package dev.claudemesh.core.store;

import org.jspecify.annotations.Nullable;

/** Builds accept results for fakes of the daemon's send port (the constructor is the outbox's). */
public final class AcceptResults {
  private AcceptResults() {}

  public static AcceptResult of(AcceptResult.Kind kind, String clientMessageId,
      @Nullable String daemonFingerprintPrefix, @Nullable String brokerMessageId,
      @Nullable String historyId, @Nullable String reason) {
    return new AcceptResult(kind, clientMessageId, daemonFingerprintPrefix, brokerMessageId,
        historyId, reason);
  }
}
