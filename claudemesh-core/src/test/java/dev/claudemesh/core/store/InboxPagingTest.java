package dev.claudemesh.core.store;

import static dev.claudemesh.core.store.InboxTest.T0;
import static dev.claudemesh.core.store.InboxTest.message;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Keyset paging: every filter combination against a brute-force scan, cursors, and index use. */
class InboxPagingTest {
  private static final Comparator<InboxMessage> NEWEST_FIRST =
      Comparator.comparing(InboxMessage::receivedAt).thenComparing(m -> m.id().orElseThrow()).reversed();

  @TempDir Path dir;
  private Inbox inbox;

  @BeforeEach
  void open() throws IOException {
    inbox = Inbox.builder(dir).open();
  }

  @AfterEach
  void close() {
    inbox.close();
  }

  @ParameterizedTest(name = "limit {0}")
  @ValueSource(ints = {1, 7, 50, 500})
  void everyFilterCombinationPagesLikeABruteForceScan(int limit) throws IOException {
    List<InboxMessage> all = fill(1000, new Random(7));
    Instant since = T0.plusSeconds(100);
    for (@Nullable Instant s : new Instant[] {null, since}) {
      for (@Nullable String topic : new String[] {null, "t1", "absent"}) {
        for (@Nullable String from : new String[] {null, "s2-pub"}) {
          List<String> expected = all.stream()
              .filter(m -> s == null || !m.receivedAt().isBefore(s))
              .filter(m -> topic == null || m.topic().equals(Optional.of(topic)))
              .filter(m -> from == null || m.senderPubkey().equals(from))
              .sorted(NEWEST_FIRST).map(m -> m.id().orElseThrow()).collect(Collectors.toList());
          String shape = "since=" + s + " topic=" + topic + " from=" + from + " limit=" + limit;
          List<String> actual = readAll(() -> InboxQuery.newest().since(s).topic(topic).from(from).limit(limit), shape);
          assertEquals(expected, actual, shape);
        }
      }
    }
  }

  @Test
  void aFullLastPageHasNoCursor() throws IOException {
    for (int i = 0; i < 10; i++) {
      inbox.insertIfNew(message("a", "m" + i, T0.plusSeconds(i)).build());
    }
    InboxPage first = inbox.query(InboxQuery.newest().limit(5));
    assertEquals(5, first.messages().size());
    InboxPage second = inbox.query(InboxQuery.newest().limit(5).cursor(first.nextCursor().orElseThrow()));
    assertEquals(List.of("m4", "m3", "m2", "m1", "m0"), clientIds(second));
    assertEquals(Optional.empty(), second.nextCursor());
    InboxPage empty = inbox.query(InboxQuery.newest().topic("nothing"));
    assertEquals(List.of(), empty.messages());
    assertEquals(Optional.empty(), empty.nextCursor());
  }

  @Test
  void messagesArrivingBetweenPagesNeitherRepeatNorShiftLaterPages() throws IOException {
    for (int i = 0; i < 20; i++) {
      inbox.insertIfNew(message("a", "old" + i, T0.plusSeconds(i)).build());
    }
    InboxPage first = inbox.query(InboxQuery.newest().limit(8));
    for (int i = 0; i < 5; i++) {
      inbox.insertIfNew(message("a", "new" + i, T0.plusSeconds(100 + i)).build());
    }
    List<String> rest = new ArrayList<>(clientIds(first));
    InboxQuery query = InboxQuery.newest().limit(8).cursor(first.nextCursor().orElseThrow());
    for (InboxPage page = inbox.query(query); ; page = inbox.query(query.cursor(page.nextCursor().get()))) {
      rest.addAll(clientIds(page));
      if (page.nextCursor().isEmpty()) {
        break;
      }
    }
    List<String> expected = new ArrayList<>();
    for (int i = 19; i >= 0; i--) {
      expected.add("old" + i);
    }
    assertEquals(expected, rest);
  }

  @Test
  void theLimitIsClampedTo1Through500() throws IOException {
    for (int i = 0; i < 600; i++) {
      inbox.insertIfNew(message("a", "m" + i, T0.plusMillis(i)).build());
    }
    assertEquals(500, inbox.query(InboxQuery.newest().limit(10_000)).messages().size());
    assertEquals(1, inbox.query(InboxQuery.newest().limit(0)).messages().size());
    assertEquals(1, inbox.query(InboxQuery.newest().limit(-3)).messages().size());
    assertEquals(50, inbox.query(InboxQuery.newest()).messages().size());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"%%%", "not base64!", "djE6YWJjOg", "djE6MTI6", "djI6MTI6eA", "Zm9v", "djE6LTU6eA", "djE6MTI"})
  void aMalformedCursorIsRefusedWithAClearMessage(String cursor) {
    // djE6YWJjOg = "v1:abc:", djE6MTI6 = "v1:12:", djI6MTI6eA = "v2:12:x", Zm9v = "foo",
    // djE6LTU6eA = "v1:-5:x", djE6MTI = "v1:12"
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InboxQuery.newest().cursor(cursor));
    assertEquals("cursor is malformed; pass the nextCursor of the previous page unchanged", e.getMessage());
  }

  @Test
  void anOverlongCursorIsRefusedWithoutDecoding() {
    String huge = Base64.getUrlEncoder().encodeToString(("v1:1:" + "x".repeat(10_000)).getBytes(UTF_8));
    assertThrows(IllegalArgumentException.class, () -> InboxQuery.newest().cursor(huge));
  }

  @Test
  void everyQueryShapeSeeksAnIndexInPageOrder() throws IOException {
    String cursor = new InboxQuery.Cursor(1, "x").encode();
    List<Object[]> shapes = List.of(
        new Object[] {InboxQuery.newest(), "SCAN inbox USING INDEX inbox_received"},
        new Object[] {InboxQuery.newest().topic("t"), "SEARCH inbox USING INDEX inbox_topic (topic=?)"},
        new Object[] {InboxQuery.newest().from("p"), "SEARCH inbox USING INDEX inbox_sender (sender_pubkey=?)"},
        new Object[] {InboxQuery.newest().since(T0), "SEARCH inbox USING INDEX inbox_received (received_at>?)"},
        new Object[] {InboxQuery.newest().topic("t").since(T0),
            "SEARCH inbox USING INDEX inbox_topic (topic=? AND received_at>?)"},
        new Object[] {InboxQuery.newest().from("p").since(T0),
            "SEARCH inbox USING INDEX inbox_sender (sender_pubkey=? AND received_at>?)"},
        new Object[] {InboxQuery.newest().topic("t").from("p"), "SEARCH inbox USING INDEX inbox_"},
        new Object[] {InboxQuery.newest().cursor(cursor),
            "SEARCH inbox USING INDEX inbox_received ((received_at,id)<(?,?))"},
        new Object[] {InboxQuery.newest().topic("t").cursor(cursor),
            "SEARCH inbox USING INDEX inbox_topic (topic=? AND (received_at,id)<(?,?))"},
        new Object[] {InboxQuery.newest().from("p").cursor(cursor),
            "SEARCH inbox USING INDEX inbox_sender (sender_pubkey=? AND (received_at,id)<(?,?))"},
        new Object[] {InboxQuery.newest().since(T0).cursor(cursor),
            "SEARCH inbox USING INDEX inbox_received (received_at>? AND (received_at,id)<(?,?))"});
    for (Object[] shape : shapes) {
      String plan = inbox.explain((InboxQuery) shape[0]).trim();
      assertTrue(plan.startsWith((String) shape[1]), shape[0] + " -> " + plan);
      assertFalse(plan.contains("TEMP B-TREE"), shape[0] + " sorts: " + plan);
      assertFalse(plan.contains("\n"), shape[0] + " has more than one step: " + plan);
    }
  }

  /** Inserts {@code n} messages from four senders over three topics and DMs, many in the same second. */
  private List<InboxMessage> fill(int n, Random random) throws IOException {
    List<InboxMessage> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int topic = random.nextInt(4);
      all.add(inbox.insertIfNew(message("s" + random.nextInt(4), "id-" + i, T0.plusSeconds(random.nextInt(300)))
          .topic(topic == 3 ? null : "t" + topic).build()).message());
    }
    return all;
  }

  /** Follows cursors to the end, checking every page but the last is full and no row repeats. */
  private List<String> readAll(Supplier<InboxQuery> fresh, String shape) throws IOException {
    List<String> ids = new ArrayList<>();
    InboxQuery query = fresh.get();
    while (true) {
      InboxPage page = inbox.query(query);
      page.messages().forEach(m -> ids.add(m.id().orElseThrow()));
      if (page.nextCursor().isEmpty()) {
        break;
      }
      assertEquals(query.limit(), page.messages().size(), shape);
      query = fresh.get().cursor(page.nextCursor().get()); // a new request per page, as over HTTP
    }
    assertEquals(ids.size(), new HashSet<>(ids).size(), shape);
    return ids;
  }

  private static List<String> clientIds(InboxPage page) {
    return page.messages().stream().map(InboxMessage::clientMessageId).collect(Collectors.toList());
  }
}
