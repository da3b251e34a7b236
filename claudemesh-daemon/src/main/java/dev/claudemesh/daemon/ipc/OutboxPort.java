package dev.claudemesh.daemon.ipc;

import dev.claudemesh.api.OutboxPage;
import dev.claudemesh.api.PageQuery;
import dev.claudemesh.api.RequeueRequest;
import dev.claudemesh.api.RequeueResponse;
import java.io.IOException;

/**
 * What {@code GET /v1/outbox} and {@code POST /v1/outbox/requeue} need (SPEC §3.3, §4.5, §4.7):
 * pages of outbox rows, newest first, and the requeue of one row. Rows carry state and history,
 * never the payload.
 */
public interface OutboxPort {
  /**
   * One page: {@code query} has passed the API's rules ({@code status} an outbox state, {@code
   * limit} 1–1000, set by the handler).
   *
   * @throws InboxPort.BadCursorException when the cursor is not a {@code next_cursor} of a page
   */
  OutboxPage list(PageQuery query) throws InboxPort.BadCursorException, IOException;

  /**
   * Aborts the row and queues a fresh one in one transaction; {@code requeuedBy} is stored as
   * {@code aborted_by}. The request has passed the API's rules.
   *
   * @throws RequeueRefusedException with an API error code when the rules forbid it
   */
  RequeueResponse requeue(RequeueRequest request, String requeuedBy)
      throws RequeueRefusedException, IOException;

  /** A requeue the outbox refuses; {@link #code()} is an API error code. */
  final class RequeueRefusedException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String code;

    public RequeueRefusedException(String code, String message) {
      super(message);
      this.code = code;
    }

    public String code() {
      return code;
    }
  }
}
