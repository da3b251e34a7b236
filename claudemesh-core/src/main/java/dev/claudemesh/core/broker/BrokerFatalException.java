package dev.claudemesh.core.broker;

import dev.claudemesh.core.protocol.CloseCodes;

/**
 * The connection stopped for good: the broker closed with a code of SPEC §7.6 that forbids
 * reconnecting (revoked, replaced, already connected, feature failure, policy).
 */
public final class BrokerFatalException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int closeCode;
  private final String reason;

  public BrokerFatalException(int closeCode, String reason) {
    super(describe(closeCode) + " (close code " + closeCode + (reason.isEmpty() ? "" : ", reason " + reason) + ")");
    this.closeCode = closeCode;
    this.reason = reason;
  }

  public int closeCode() {
    return closeCode;
  }

  public String reason() {
    return reason;
  }

  private static String describe(int code) {
    switch (code) {
      case CloseCodes.REVOKED:
        return "the broker revoked this member; the peer disabled itself";
      case CloseCodes.REPLACED_BY_NEWER_CONNECTION:
        return "replaced_by_newer_connection: another connection with this member key took over";
      case CloseCodes.MEMBER_ALREADY_CONNECTED:
        return "member_already_connected: another connection with this member key is active";
      case CloseCodes.FEATURE_NEGOTIATION_FAILED:
        return "feature negotiation failed";
      case CloseCodes.POLICY_VIOLATION:
        return "the broker refused the connection (authentication or policy)";
      default:
        return "the broker connection stopped";
    }
  }
}
