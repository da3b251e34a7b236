package dev.claudemesh.api;

import com.squareup.moshi.Json;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** {@code GET /v1/outbox?status&limit&cursor} (SPEC §3.3): one page of rows and the next cursor. */
public record OutboxPage(
    List<OutboxRow> rows, @Json(name = "next_cursor") @Nullable String nextCursor) {
  public OutboxPage {
    rows = List.copyOf(rows);
  }
}
