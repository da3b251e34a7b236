package dev.claudemesh.api;

import com.squareup.moshi.Json;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /v1/inbox?since&topic&from&limit&cursor} (SPEC §3.3): newest first, keyset paged;
 * pass {@code next_cursor} as {@code cursor} for the next page, absent on the last one.
 */
public record InboxPage(
    List<InboxMessage> messages, @Json(name = "next_cursor") @Nullable String nextCursor) {
  public InboxPage {
    messages = List.copyOf(messages);
  }

  @Override
  public String toString() {
    return "InboxPage{" + messages.size() + " messages" + (nextCursor != null ? ", more" : "") + "}";
  }
}
