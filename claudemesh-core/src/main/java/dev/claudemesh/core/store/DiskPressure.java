package dev.claudemesh.core.store;

/**
 * How full the outbox is (SPEC §4.9): its files against the smaller of {@code [outbox] max_bytes}
 * and what the disk can still give it (current size + free space).
 */
public final class DiskPressure {
  /** Thresholds of SPEC §4.9. */
  public enum Level {
    /** Below 80 %. */
    NORMAL,
    /** 80 % or more: event {@code outbox_pressure_high}. */
    HIGH,
    /** 95 % or more: new sends are refused with 507. */
    REFUSE_NEW,
    /** 100 %: degraded; no sends, inbound only. */
    DEGRADED
  }

  private final long usedBytes;
  private final long budgetBytes;

  DiskPressure(long usedBytes, long budgetBytes) {
    this.usedBytes = usedBytes;
    this.budgetBytes = Math.max(1, budgetBytes);
  }

  public long usedBytes() {
    return usedBytes;
  }

  public long budgetBytes() {
    return budgetBytes;
  }

  /** Percentage of the budget in use, for {@code cm_daemon_disk_pct{kind="outbox"}}. */
  public double percent() {
    return 100.0 * usedBytes / budgetBytes;
  }

  public Level level() {
    double pct = percent();
    if (pct >= 100) {
      return Level.DEGRADED;
    }
    if (pct >= 95) {
      return Level.REFUSE_NEW;
    }
    return pct >= 80 ? Level.HIGH : Level.NORMAL;
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT, "DiskPressure{%s %.1f%% of %d bytes}", level(), percent(), budgetBytes);
  }
}
