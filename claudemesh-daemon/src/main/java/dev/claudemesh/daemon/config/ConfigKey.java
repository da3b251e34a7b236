package dev.claudemesh.daemon.config;

/**
 * Every key of {@code config.toml} (SPEC §10.3), with whether {@code daemon reload} applies a
 * change without a restart.
 *
 * <p>Live: what is consulted per request or per sweep ({@code [ipc] public_health_check}, {@code
 * [ipc] origin_allowlist}, {@code [outbox] max_bytes}, {@code [inbox] retention_days}, {@code
 * [hooks] enabled}, {@code [crypto] key_grace_period_days} for the next rotation). Restart: what
 * is bound into a listener, the identity or the broker session ({@code [ipc]} transports, the
 * negotiated features and the max age derived from them, the clone check, the fleet size).
 */
public enum ConfigKey {
  IPC_TCP_ENABLED("ipc", "tcp_enabled", false, false),
  IPC_HTTP_PORT("ipc", "http_port", false, false),
  IPC_HTTP_BIND("ipc", "http_bind", false, false),
  IPC_HTTP_TOKEN_FILE("ipc", "http_token_file", false, false),
  IPC_PUBLIC_HEALTH_CHECK("ipc", "public_health_check", true, false),
  IPC_ORIGIN_ALLOWLIST("ipc", "origin_allowlist", true, false),
  OUTBOX_MAX_AGE_HOURS_OVERRIDE("outbox", "max_age_hours_override", false, false),
  OUTBOX_MAX_BYTES("outbox", "max_bytes", true, false),
  INBOX_RETENTION_DAYS("inbox", "retention_days", true, false),
  CLONE_POLICY("clone", "policy", false, false),
  CLONE_ID_OVERRIDE("clone", "id_override", false, true),
  CRYPTO_KEY_GRACE_PERIOD_DAYS("crypto", "key_grace_period_days", true, false),
  FEATURES_REQUIRE("features", "require", false, false),
  FEATURES_OPTIONAL("features", "optional", false, false),
  HOOKS_ENABLED("hooks", "enabled", true, false),
  FLEET_MAX_DAEMONS("fleet", "max_daemons", false, false);

  private final String table;
  private final String name;
  private final boolean reloadable;
  private final boolean secret;

  ConfigKey(String table, String name, boolean reloadable, boolean secret) {
    this.table = table;
    this.name = name;
    this.reloadable = reloadable;
    this.secret = secret;
  }

  /** The TOML table, e.g. {@code ipc}. */
  public String table() {
    return table;
  }

  /** The key inside its table, e.g. {@code http_port}. */
  public String keyName() {
    return name;
  }

  /** Whether {@code daemon reload} applies a change to this key without a restart. */
  public boolean reloadable() {
    return reloadable;
  }

  /** Whether the value is masked in logs and {@code toString()}. */
  public boolean secret() {
    return secret;
  }

  /** {@code [table] key}, the form every message uses. */
  @Override
  public String toString() {
    return "[" + table + "] " + name;
  }
}
