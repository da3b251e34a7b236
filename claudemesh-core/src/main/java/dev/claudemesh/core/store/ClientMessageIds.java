package dev.claudemesh.core.store;

import com.github.f4b6a3.ulid.UlidCreator;
import org.jspecify.annotations.Nullable;

/**
 * {@code client_message_id} rules (SPEC §4.2): taken from the {@code Idempotency-Key} header, else
 * the body's {@code client_message_id}, else a ULID minted here; 1–128 printable ASCII characters.
 */
public final class ClientMessageIds {
  public static final int MAX_LENGTH = 128;

  private ClientMessageIds() {}

  /**
   * Resolves the id in the SPEC's source order.
   *
   * @throws IllegalArgumentException (a 400) naming the source when the chosen id is invalid
   */
  public static String resolve(@Nullable String idempotencyKeyHeader, @Nullable String bodyId) {
    if (idempotencyKeyHeader != null) {
      return validate(idempotencyKeyHeader, "Idempotency-Key");
    }
    if (bodyId != null) {
      return validate(bodyId, "client_message_id");
    }
    return mint();
  }

  /** A new ULID (26 characters, time-ordered). */
  public static String mint() {
    return UlidCreator.getMonotonicUlid().toString();
  }

  /** Returns {@code id} if it is 1–128 printable ASCII characters (U+0020–U+007E). */
  public static String validate(String id, String source) {
    if (id.isEmpty() || id.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(source + " must be 1 to " + MAX_LENGTH + " characters, got " + id.length());
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < 0x20 || c > 0x7E) {
        throw new IllegalArgumentException(source + " must be printable ASCII; character " + i + " is not");
      }
    }
    return id;
  }
}
