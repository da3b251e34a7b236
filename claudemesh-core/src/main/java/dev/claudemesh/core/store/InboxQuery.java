package dev.claudemesh.core.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A page request for {@code GET /v1/inbox}: optional {@code since} (received at or after),
 * {@code topic}, {@code from} (sender pubkey), {@code limit} (clamped to 1–500, default 50) and
 * the opaque {@code cursor} of the previous page. Pages run newest first, by (received_at, id).
 *
 * <p>A mutable request, filled by one thread and then passed to {@link Inbox#query}; to read the
 * next page set {@link #cursor} to the previous page's {@link InboxPage#nextCursor()}.
 */
public final class InboxQuery {
  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 500;

  private @Nullable Instant since;
  private @Nullable String topic;
  private @Nullable String from;
  private int limit = DEFAULT_LIMIT;
  private @Nullable Cursor cursor;

  private InboxQuery() {}

  /** The first page of everything, 50 messages. */
  public static InboxQuery newest() {
    return new InboxQuery();
  }

  /** Only messages received at or after {@code since}; null for no bound. */
  public InboxQuery since(@Nullable Instant since) {
    this.since = since;
    return this;
  }

  /** Only messages on {@code topic}; null for all topics and DMs. */
  public InboxQuery topic(@Nullable String topic) {
    this.topic = topic;
    return this;
  }

  /** Only messages from the member with this pubkey; null for every sender. */
  public InboxQuery from(@Nullable String senderPubkey) {
    this.from = senderPubkey;
    return this;
  }

  /** Page size, clamped to 1–500. */
  public InboxQuery limit(int limit) {
    this.limit = Math.max(1, Math.min(MAX_LIMIT, limit));
    return this;
  }

  /**
   * Continues after the page that returned {@code cursor}; null or empty starts at the newest.
   *
   * @throws IllegalArgumentException if {@code cursor} is not one an inbox page returned
   */
  public InboxQuery cursor(@Nullable String cursor) {
    this.cursor = cursor == null || cursor.isEmpty() ? null : Cursor.decode(cursor);
    return this;
  }

  Optional<Instant> since() {
    return Optional.ofNullable(since);
  }

  Optional<String> topic() {
    return Optional.ofNullable(topic);
  }

  Optional<String> from() {
    return Optional.ofNullable(from);
  }

  int limit() {
    return limit;
  }

  Optional<Cursor> cursor() {
    return Optional.ofNullable(cursor);
  }

  @Override
  public String toString() {
    return "InboxQuery{since=" + since + ", topic=" + topic + ", from=" + from + ", limit=" + limit
        + ", cursor=" + (cursor != null) + "}";
  }

  /** The position after the last row of a page: base64url of {@code v1:<received_at ms>:<id>}. */
  static final class Cursor {
    static final String MALFORMED = "cursor is malformed; pass the nextCursor of the previous page unchanged";
    private static final int MAX_ENCODED = 256;

    final long receivedAt;
    final String id;

    Cursor(long receivedAt, String id) {
      this.receivedAt = receivedAt;
      this.id = id;
    }

    String encode() {
      return Base64.getUrlEncoder().withoutPadding()
          .encodeToString(("v1:" + receivedAt + ":" + id).getBytes(StandardCharsets.UTF_8));
    }

    static Cursor decode(String text) {
      if (text.length() > MAX_ENCODED) {
        throw new IllegalArgumentException(MALFORMED);
      }
      String[] parts;
      long receivedAt;
      try {
        parts = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8).split(":", 3);
        receivedAt = parts.length == 3 ? Long.parseLong(parts[1]) : -1;
      } catch (IllegalArgumentException e) { // bad base64 or number
        throw new IllegalArgumentException(MALFORMED, e);
      }
      if (parts.length != 3 || !parts[0].equals("v1") || receivedAt < 0 || parts[2].isEmpty()) {
        throw new IllegalArgumentException(MALFORMED);
      }
      return new Cursor(receivedAt, parts[2]);
    }
  }
}
