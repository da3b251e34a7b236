package dev.claudemesh.core.protocol;

/** WebSocket close codes of SPEC §7.6 and what a client does after each. */
public final class CloseCodes {
  public static final int NORMAL = 1000;
  /** Broker shutdown: reconnect. */
  public static final int GOING_AWAY = 1001;
  /** Authentication or policy failure: no reconnect loop. */
  public static final int POLICY_VIOLATION = 1008;
  /** A frame too large for the receiver. */
  public static final int MESSAGE_TOO_BIG = 1009;
  public static final int INTERNAL_ERROR = 1011;
  /** Kicked by an operator: reconnect with backoff. */
  public static final int KICKED = 4001;
  /** The member was banned or revoked: self-disable, no reconnect. */
  public static final int REVOKED = 4002;
  /** {@code replaced_by_newer_connection} under prefer_newest: exit, no reconnect. */
  public static final int REPLACED_BY_NEWER_CONNECTION = 4003;
  /** {@code member_already_connected} under prefer_oldest: refuse to start. */
  public static final int MEMBER_ALREADY_CONNECTED = 4004;
  /** Feature negotiation failed; the reason is {@code {kind, feature, detail}} JSON. */
  public static final int FEATURE_NEGOTIATION_FAILED = 4010;

  /** A close reason is at most 123 bytes of UTF-8 (RFC 6455 §5.5). */
  public static final int MAX_REASON_BYTES = 123;

  private CloseCodes() {}

  /** Whether a client should reconnect after the broker closed with {@code code}. */
  public static boolean reconnects(int code) {
    switch (code) {
      case REVOKED:
      case REPLACED_BY_NEWER_CONNECTION:
      case MEMBER_ALREADY_CONNECTED:
      case FEATURE_NEGOTIATION_FAILED:
      case POLICY_VIOLATION:
        return false;
      default:
        return true;
    }
  }
}
