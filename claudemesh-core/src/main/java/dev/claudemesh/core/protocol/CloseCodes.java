package dev.claudemesh.core.protocol;

/** WebSocket close codes of SPEC §7.6 and what a client does after each. */
public final class CloseCodes {
  public static final int NORMAL = 1000;
  /** Broker shutdown: reconnect. */
  public static final int GOING_AWAY = 1001;
  /**
   * Authentication or policy failure (bad signature, clock skew, hello timeout): reconnect, but no
   * sooner than {@link #POLICY_RECONNECT_FLOOR}, so a peer never hammers the broker and still
   * recovers once the cause (a skewed clock, a stall) is gone.
   */
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

  /** The least delay before reconnecting after {@link #POLICY_VIOLATION}. */
  public static final java.time.Duration POLICY_RECONNECT_FLOOR = java.time.Duration.ofSeconds(60);

  private CloseCodes() {}

  /**
   * Whether a client should reconnect after the broker closed with {@code code} (SPEC §7.6): not
   * after 4002, 4003, 4004 or 4010; after 1008 only slowly (see {@link #POLICY_VIOLATION}).
   */
  public static boolean reconnects(int code) {
    switch (code) {
      case REVOKED:
      case REPLACED_BY_NEWER_CONNECTION:
      case MEMBER_ALREADY_CONNECTED:
      case FEATURE_NEGOTIATION_FAILED:
        return false;
      default:
        return true;
    }
  }
}
