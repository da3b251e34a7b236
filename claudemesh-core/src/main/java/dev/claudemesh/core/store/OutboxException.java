package dev.claudemesh.core.store;

/**
 * An outbox operation an operator asked for that the rules forbid (requeue of a row that is not
 * dead or pending, an unknown id, a new id that is already consumed). {@link #code()} is stable.
 */
public final class OutboxException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public static final String NOT_FOUND = "outbox_row_not_found";
  public static final String NOT_REQUEUEABLE = "outbox_row_not_requeueable";
  public static final String ID_CONSUMED = "client_message_id_consumed";

  private final String code;

  OutboxException(String code, String message) {
    super(message);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
