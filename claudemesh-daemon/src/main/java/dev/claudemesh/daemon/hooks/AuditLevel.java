package dev.claudemesh.daemon.hooks;

/**
 * What the audit line of a hook run records (SPEC §9: every run is audited). TOML {@code audit =
 * "metadata"} (the default, also {@code audit = true}) or {@code audit = "output"}.
 */
public enum AuditLevel {
  /** Hook name, start, duration, exit status, sizes; never the hook's output. */
  METADATA,
  /**
   * {@link #METADATA} plus the first 4 KiB of the hook's stdout and stderr. Opt-in, because the
   * output may contain message text.
   */
  OUTPUT;

  /** How many bytes of each of stdout and stderr {@link #OUTPUT} records. */
  public static final int OUTPUT_BYTES = 4 * 1024;
}
