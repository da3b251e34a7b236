package dev.claudemesh.core.store;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** One page of inbox messages, newest first, with the cursor of the next page. */
public final class InboxPage {
  private final List<InboxMessage> messages;
  private final @Nullable String nextCursor;

  InboxPage(List<InboxMessage> messages, @Nullable String nextCursor) {
    this.messages = List.copyOf(messages);
    this.nextCursor = nextCursor;
  }

  public List<InboxMessage> messages() {
    return messages;
  }

  /** Empty on the last page. */
  public Optional<String> nextCursor() {
    return Optional.ofNullable(nextCursor);
  }

  @Override
  public String toString() {
    return "InboxPage{" + messages.size() + " messages, more=" + (nextCursor != null) + "}";
  }
}
