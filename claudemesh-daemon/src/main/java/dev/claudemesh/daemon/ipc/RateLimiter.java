package dev.claudemesh.daemon.ipc;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * Token buckets, one per caller key (SPEC §3.2: 100 requests/s sustained, bursts of 1,000).
 * Thread-safe. Keys are the caller's identity (a hash of the bearer token, or the transport), so
 * the number of buckets is bounded by the valid tokens.
 */
final class RateLimiter {
  static final double DEFAULT_PER_SECOND = 100;
  static final long DEFAULT_BURST = 1000;

  private final double perNano;
  private final long burst;
  private final LongSupplier nanoTime;
  private final Map<String, Bucket> buckets = new HashMap<>();

  RateLimiter(double perSecond, long burst, LongSupplier nanoTime) {
    if (!(perSecond > 0) || burst < 1) {
      throw new IllegalArgumentException("rate must be > 0 and burst >= 1");
    }
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.nanoTime = nanoTime;
  }

  /** Takes one token for {@code key}; empty when allowed, else the seconds to wait (at least 1). */
  synchronized OptionalLong acquire(String key) {
    long now = nanoTime.getAsLong();
    Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
    double tokens = Math.min(burst, bucket.tokens + (now - bucket.lastNanos) * perNano);
    bucket.lastNanos = now;
    if (tokens >= 1) {
      bucket.tokens = tokens - 1;
      return OptionalLong.empty();
    }
    bucket.tokens = tokens;
    long waitSeconds = (long) Math.ceil((1 - tokens) / perNano / 1e9);
    return OptionalLong.of(Math.max(1, waitSeconds));
  }

  private static final class Bucket {
    double tokens;
    long lastNanos;

    Bucket(double tokens, long lastNanos) {
      this.tokens = tokens;
      this.lastNanos = lastNanos;
    }
  }
}
