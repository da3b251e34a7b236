package dev.claudemesh.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PageQueryTest {
  @Test
  void inboxQueryRoundTrips() {
    PageQuery q = new PageQuery(1767225600000L, "ops & dev", "alice", null, 50, null);
    String s = q.toQueryString();
    assertEquals("?since=1767225600000&topic=ops+%26+dev&from=alice&limit=50", s);
    assertEquals(q, PageQuery.parseInbox(s.substring(1)));
    assertEquals("?since=1767225600000&topic=ops+%26+dev&from=alice&limit=50&cursor=c%2F2",
        q.next("c/2").toQueryString());
  }

  @Test
  void emptyQueryIsTheFirstPage() {
    assertEquals(PageQuery.first(), PageQuery.parseInbox(null));
    assertEquals(PageQuery.first(), PageQuery.parseOutbox(""));
    assertEquals("", PageQuery.first().toQueryString());
  }

  @Test
  void outboxQuery() {
    assertEquals(new PageQuery(null, null, null, "dead", 10, "x"),
        PageQuery.parseOutbox("status=dead&limit=10&cursor=x"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "inbox | limit=0 | ?limit: must be 1 to 1000",
      "inbox | limit=1001 | ?limit: must be 1 to 1000",
      "inbox | limit=-1 | ?limit: must be a non-negative integer",
      "inbox | limit=99999999999999999999 | ?limit: must be a non-negative integer",
      "inbox | since=yesterday | ?since: must be a non-negative integer",
      "inbox | limit=1&limit=2 | ?limit: repeated parameter",
      "inbox | token=SECRET | ?token: unknown parameter",
      "inbox | status=dead | ?status: unknown parameter",
      "inbox | topic=%zz | ?topic: malformed percent-encoding",
      "outbox | status=gone | ?status: must be one of pending, inflight, done, dead, aborted",
      "outbox | topic=ops | ?topic: unknown parameter"})
  void badQueries(String route, String query, String message) {
    ApiJsonException e = assertThrows(ApiJsonException.class, () -> {
      if (route.equals("inbox")) {
        PageQuery.parseInbox(query);
      } else {
        PageQuery.parseOutbox(query);
      }
    });
    assertEquals(message, e.getMessage());
    assertEquals(400, e.problem().status());
  }
}
