package dev.claudemesh.core.broker;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Reconnect delays: exponential growth from {@code min} with full jitter, capped at {@code max}.
 * The n-th delay after a reset is drawn uniformly from {@code [min, min(max, min * 2^n)]}, so
 * clients that lost the same broker at the same moment spread out instead of returning together.
 * Not thread-safe; the connection calls it under its lock.
 */
final class Backoff {
  private final long minMillis;
  private final long maxMillis;
  private final DoubleSupplier random;
  private int attempt;

  /** {@code random} yields values in {@code [0, 1)}. */
  Backoff(Duration min, Duration max, DoubleSupplier random) {
    this.minMillis = min.toMillis();
    this.maxMillis = max.toMillis();
    this.random = random;
  }

  /** The delay before the next attempt; each call widens the window until it reaches the cap. */
  Duration next() {
    long ceiling = ceiling(attempt);
    if (ceiling < maxMillis) {
      attempt++;
    }
    long spread = ceiling - minMillis;
    long jitter = (long) Math.floor(spread * clamp(random.getAsDouble()));
    return Duration.ofMillis(minMillis + Math.min(spread, jitter));
  }

  /** Upper bound of the n-th delay (0-based): {@code min(max, min * 2^n)}. */
  long ceiling(int n) {
    long ceiling = Math.min(minMillis, maxMillis);
    for (int i = 0; i < n && ceiling < maxMillis; i++) {
      ceiling = Math.min(maxMillis, ceiling * 2); // ceiling <= max, a bounded duration: no overflow
    }
    return ceiling;
  }

  /** Called after a successful negotiation: the next failure starts from {@code min} again. */
  void reset() {
    attempt = 0;
  }

  int attempt() {
    return attempt;
  }

  private static double clamp(double r) {
    return r < 0 ? 0 : r >= 1 ? Math.nextDown(1.0) : r;
  }
}
