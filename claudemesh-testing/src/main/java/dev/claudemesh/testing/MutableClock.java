package dev.claudemesh.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A UTC clock that tests move by hand; thread-safe, millisecond resolution. */
public final class MutableClock extends Clock {
  private final AtomicLong millis;

  public MutableClock(long epochMillis) {
    this.millis = new AtomicLong(epochMillis);
  }

  /** Moves the clock forward (or back, with a negative duration). */
  public void advance(Duration by) {
    millis.addAndGet(by.toMillis());
  }

  public void set(long epochMillis) {
    millis.set(epochMillis);
  }

  @Override
  public long millis() {
    return millis.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis.get());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public String toString() {
    return "MutableClock{" + instant() + "}";
  }
}
