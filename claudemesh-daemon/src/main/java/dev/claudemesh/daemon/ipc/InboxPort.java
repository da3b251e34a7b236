package dev.claudemesh.daemon.ipc;

import dev.claudemesh.api.InboxPage;
import dev.claudemesh.api.PageQuery;
import java.io.IOException;

/**
 * What {@code GET /v1/inbox} needs: one page of received messages, newest first (SPEC §3.3). The
 * query has passed the API's rules; {@code from}, when set, is a 64-hex member pubkey.
 */
@FunctionalInterface
public interface InboxPort {
  /**
   * @throws BadCursorException when {@code query.cursor()} is not a {@code next_cursor} of a page
   */
  InboxPage inbox(PageQuery query) throws BadCursorException, IOException;

  /** The cursor of a query is not one an inbox page returned. */
  final class BadCursorException extends Exception {
    private static final long serialVersionUID = 1L;

    public BadCursorException(String message) {
      super(message);
    }
  }
}
