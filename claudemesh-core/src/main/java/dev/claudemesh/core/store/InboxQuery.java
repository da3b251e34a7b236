package dev.claudemesh.core.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A page request for {@code GET /v1/inbox}: optional {@code since}, {@code topic}, {@code from}
 * (sender pubkey), {@code limit} (1–500, default 50) and the opaque {@code cursor} of the previous
 * page. Pages run newest first.
 */
public final class InboxQuery {
  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 500;

  private @Nullable Instant since;
  private @Nullable String topic;
  private @Nullable String from;
  private int limit = DEFAULT_LIMIT;
  private @Nullable Cursor cursor;

  public static InboxQuery newest() {
    return new InboxQuery();
  }

  public InboxQuery since(@Nullable Instant since) {
    this.since = since;
    return this;
  }

  public InboxQuery topic(@Nullable String topic) {
    this.topic = topic;
    return this;
  }

  public InboxQuery from(@Nullable String senderPubkey) {
    this.from = senderPubkey;
    return this;
  }

  /** Clamped to 1–500. */
  public InboxQuery limit(int limit) {
    this.limit = Math.max(1, Math.min(MAX_LIMIT, limit));
    return this;
  }

  /**
   * Continues after a previous page.
   *
   * @throws IllegalArgumentException if the cursor was not made by this inbox
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

  /** Position after the last row of a page: its received_at and id. */
  static final class Cursor {
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
      try {
        String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
        String[] parts = plain.split(":", 3);
        if (parts.length != 3 || !parts[0].equals("v1") || parts[2].isEmpty()) {
          throw new IllegalArgumentException("bad layout");
        }
        return new Cursor(Long.parseLong(parts[1]), parts[2]);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("cursor is not one this inbox returned", e);
      }
    }
  }
}
