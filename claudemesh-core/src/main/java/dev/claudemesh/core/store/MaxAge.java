package dev.claudemesh.core.store;

import java.time.Duration;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long a send may wait in the outbox before it is declared dead (SPEC §4.6), derived from the
 * broker's dedupe mode so that every retry lands inside the broker's dedupe window.
 */
public final class MaxAge {
  public static final long PERMANENT_DEFAULT_HOURS = 168;
  public static final long PERMANENT_CAP_HOURS = 720;
  public static final int MIN_RETENTION_DAYS = 3;

  private static final Logger log = LoggerFactory.getLogger(MaxAge.class);

  private MaxAge() {}

  /** The override exceeds the broker's dedupe window: refuse to start. */
  public static final class AboveDedupeWindowException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    public static final String CODE = "outbox_max_age_above_dedupe_window";

    AboveDedupeWindowException(long overrideHours, long windowHours) {
      super(CODE + ": [outbox] max_age_hours_override = " + overrideHours
          + " is above the broker's dedupe window less one hour (" + windowHours + ")");
    }
  }

  /**
   * For a broker in {@code permanent} mode: the override, else 168 h; above 720 h it is clamped
   * with a warning naming the key.
   */
  public static Duration permanent(OptionalLong overrideHours) {
    long hours = overrideHours.orElse(PERMANENT_DEFAULT_HOURS);
    if (hours < 1) {
      throw new IllegalArgumentException("[outbox] max_age_hours_override must be at least 1, got " + hours);
    }
    if (hours > PERMANENT_CAP_HOURS) {
      log.warn("[outbox] max_age_hours_override = {} is above the cap; using {}", hours, PERMANENT_CAP_HOURS);
      hours = PERMANENT_CAP_HOURS;
    }
    return Duration.ofHours(hours);
  }

  /**
   * For a broker in {@code retention_scoped} mode with {@code days} of dedupe retention: {@code
   * max(72, N*24 − max(24, ceil(N*2.4)))}, capped at {@code N*24 − 1}; an override above {@code
   * N*24 − 1} refuses to start.
   *
   * @throws IllegalArgumentException if {@code days} is below 3 (a feature-parameter failure)
   * @throws AboveDedupeWindowException if the override is above the window
   */
  public static Duration retentionScoped(long days, OptionalLong overrideHours) {
    if (days < MIN_RETENTION_DAYS) {
      throw new IllegalArgumentException(
          "dedupe_retention_days " + days + " is below the floor of " + MIN_RETENTION_DAYS);
    }
    long window = days * 24 - 1;
    if (overrideHours.isPresent()) {
      long hours = overrideHours.getAsLong();
      if (hours > window) {
        throw new AboveDedupeWindowException(hours, window);
      }
      if (hours < 1) {
        throw new IllegalArgumentException("[outbox] max_age_hours_override must be at least 1, got " + hours);
      }
      return Duration.ofHours(hours);
    }
    long margin = Math.max(24, (days * 24 + 9) / 10); // ceil(N * 2.4) in exact integers
    long hours = Math.max(72, days * 24 - margin);
    return Duration.ofHours(Math.min(hours, window));
  }
}
