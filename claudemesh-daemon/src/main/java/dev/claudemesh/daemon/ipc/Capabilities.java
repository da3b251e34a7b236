package dev.claudemesh.daemon.ipc;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Bearer tokens other than the local token: short-lived capabilities with a narrow scope (the
 * hook tokens of SPEC §9). The guard asks {@link #lookup} for every bearer token that is not the
 * local token, on either transport; a token it does not know (never issued, expired, revoked)
 * is answered 401 there. A known one may call only what its {@link Capability#refusal} allows;
 * everything else is 403 {@code forbidden_scope}.
 */
public interface Capabilities {
  /** No capability tokens: every bearer token but the local one is refused. */
  Capabilities NONE = token -> Optional.empty();

  /** The live capability of {@code token}, or empty when it is unknown, expired or revoked. */
  Optional<Capability> lookup(String token);

  /** What a capability token may do. */
  interface Capability {
    /** A short label without the secret, for logs. */
    String label();

    /**
     * Whose request rate this capability spends (SPEC §3.2): tokens that share it share one
     * budget, so short-lived tokens do not each bring a fresh burst (nor a bucket of their own).
     */
    default String rateKey() {
      return label();
    }

    /**
     * Empty when {@code request} is within the scope, else why not (the detail of the 403).
     * Called once the route matched and the body was read.
     */
    Optional<String> refusal(Request request);
  }

  /**
   * What the guard knows of a request when it asks a capability: the route, and for the two send
   * routes the destination ({@code to} of a send, {@code #topic} of a topic post) and {@code
   * reply_to_id} as the body states them (null when absent or when the body does not parse; the
   * handler then refuses the body itself).
   */
  record Request(String method, String path, @Nullable String to, @Nullable String replyToId) {
    @Override
    public String toString() {
      return "Request{" + method + " " + path + "}";
    }
  }
}
