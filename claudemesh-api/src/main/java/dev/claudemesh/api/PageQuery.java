package dev.claudemesh.api;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The query string of the paged reads (SPEC §3.3): {@code GET /v1/inbox?since&topic&from&limit&cursor}
 * and {@code GET /v1/outbox?status&limit&cursor}. {@code since} is epoch milliseconds, {@code
 * from} a sender name or pubkey, {@code cursor} the previous page's {@code next_cursor}. Absent
 * parameters are null; the daemon picks the default limit.
 */
public record PageQuery(
    @Nullable Long since,
    @Nullable String topic,
    @Nullable String from,
    @Nullable String status,
    @Nullable Integer limit,
    @Nullable String cursor) {

  /** Largest page a caller may ask for. */
  public static final int MAX_LIMIT = 1000;

  private static final List<String> INBOX_PARAMS = List.of(Routes.QUERY_SINCE, Routes.QUERY_TOPIC,
      Routes.QUERY_FROM, Routes.QUERY_LIMIT, Routes.QUERY_CURSOR);
  private static final List<String> OUTBOX_PARAMS = List.of(Routes.QUERY_STATUS,
      Routes.QUERY_LIMIT, Routes.QUERY_CURSOR);
  private static final List<String> OUTBOX_STATUSES = List.of(OutboxRow.STATUS_PENDING,
      OutboxRow.STATUS_INFLIGHT, OutboxRow.STATUS_DONE, OutboxRow.STATUS_DEAD,
      OutboxRow.STATUS_ABORTED);

  /** No filters, first page. */
  public static PageQuery first() {
    return new PageQuery(null, null, null, null, null, null);
  }

  /** The same query for the page after {@code nextCursor}. */
  public PageQuery next(String nextCursor) {
    return new PageQuery(since, topic, from, status, limit, nextCursor);
  }

  /** {@code ?a=b&…} in parameter order, percent-encoded; empty when nothing is set. */
  public String toQueryString() {
    StringBuilder b = new StringBuilder();
    append(b, Routes.QUERY_SINCE, since);
    append(b, Routes.QUERY_TOPIC, topic);
    append(b, Routes.QUERY_FROM, from);
    append(b, Routes.QUERY_STATUS, status);
    append(b, Routes.QUERY_LIMIT, limit);
    append(b, Routes.QUERY_CURSOR, cursor);
    return b.toString();
  }

  private static void append(StringBuilder b, String name, @Nullable Object value) {
    if (value != null) {
      b.append(b.length() == 0 ? '?' : '&').append(name).append('=')
          .append(URLEncoder.encode(value.toString(), StandardCharsets.UTF_8));
    }
  }

  /**
   * Reads the raw query string (without {@code ?}) of {@code GET /v1/inbox}.
   *
   * @throws ApiJsonException naming the parameter ({@code ?limit}) when it is unknown, repeated or
   *     malformed; its {@link ApiJsonException#problem()} is the 400
   */
  public static PageQuery parseInbox(@Nullable String rawQuery) {
    return parse(rawQuery, INBOX_PARAMS);
  }

  /** Reads the raw query string of {@code GET /v1/outbox}; {@code status} is an outbox state. */
  public static PageQuery parseOutbox(@Nullable String rawQuery) {
    PageQuery q = parse(rawQuery, OUTBOX_PARAMS);
    if (q.status != null && !OUTBOX_STATUSES.contains(q.status)) {
      throw new ApiJsonException("?status",
          "must be one of pending, inflight, done, dead, aborted");
    }
    return q;
  }

  private static PageQuery parse(@Nullable String rawQuery, List<String> allowed) {
    Map<String, String> params = new LinkedHashMap<>();
    if (rawQuery != null && !rawQuery.isEmpty()) {
      for (String pair : rawQuery.split("&", -1)) {
        int eq = pair.indexOf('=');
        String name = decode(eq < 0 ? pair : pair.substring(0, eq), "?");
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1), "?" + name);
        if (!allowed.contains(name)) {
          throw new ApiJsonException("?" + shown(name), "unknown parameter");
        }
        if (params.put(name, value) != null) {
          throw new ApiJsonException("?" + name, "repeated parameter");
        }
      }
    }
    String limitText = params.get(Routes.QUERY_LIMIT);
    Integer limit = null;
    if (limitText != null) {
      long v = number(limitText, Routes.QUERY_LIMIT);
      if (v < 1 || v > MAX_LIMIT) {
        throw new ApiJsonException("?limit", "must be 1 to " + MAX_LIMIT);
      }
      limit = (int) v;
    }
    String sinceText = params.get(Routes.QUERY_SINCE);
    Long since = sinceText == null ? null : number(sinceText, Routes.QUERY_SINCE);
    return new PageQuery(since, params.get(Routes.QUERY_TOPIC), params.get(Routes.QUERY_FROM),
        params.get(Routes.QUERY_STATUS), limit, params.get(Routes.QUERY_CURSOR));
  }

  private static long number(String text, String name) {
    if (text.isEmpty() || text.length() > 19) {
      throw new ApiJsonException("?" + name, "must be a non-negative integer");
    }
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        throw new ApiJsonException("?" + name, "must be a non-negative integer");
      }
    }
    return Long.parseLong(text);
  }

  private static String decode(String s, String where) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ApiJsonException(where, "malformed percent-encoding");
    }
  }

  private static String shown(String name) {
    if (name.isEmpty() || name.length() > 64) {
      return "<parameter name of " + name.length() + " chars>";
    }
    for (int i = 0; i < name.length(); i++) {
      if (name.charAt(i) < 0x21 || name.charAt(i) > 0x7E) {
        return "<parameter name with unprintable characters>";
      }
    }
    return name;
  }
}
