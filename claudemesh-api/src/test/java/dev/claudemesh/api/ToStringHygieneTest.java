package dev.claudemesh.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** toString shows lengths and member names, never bodies, meta values or tokens. */
class ToStringHygieneTest {
  private static final String BODY = "SECRET-BODY";
  private static final Map<String, Object> META = Map.of("k", "SECRET-META");

  private static void clean(Object value) {
    String s = value.toString();
    assertFalse(s.contains("SECRET"), s);
  }

  @Test
  void sendRequest() {
    SendRequest r = new SendRequest("#ops", BODY, "now", META, null, "c-1");
    clean(r);
    assertEquals("SendRequest{to=#ops, message=<11 chars>, priority=now, meta=<1 members>,"
        + " client_message_id=c-1}", r.toString());
  }

  @Test
  void topicPost() {
    TopicPostRequest r = new TopicPostRequest("ops", BODY, null, List.of("a"), null);
    clean(r);
    assertEquals("TopicPostRequest{topic=ops, message=<11 chars>, mentions=1}", r.toString());
  }

  @Test
  void inbox() {
    InboxMessage m = new InboxMessage("in-1", "c-1", null, "ops", "ab".repeat(32), "alice", BODY,
        META, null, null, 5L);
    clean(m);
    assertEquals("InboxMessage{id=in-1, client_message_id=c-1, topic=ops, from=alice,"
        + " message=<11 chars>, meta=<1 members>, received_at=5}", m.toString());
    clean(new InboxPage(List.of(m), "c"));
  }

  @Test
  void requeue() {
    RequeueRequest r = new RequeueRequest("o-1", null, true, BODY, META);
    clean(r);
    assertEquals("RequeueRequest{id=o-1, auto=true, message=<11 chars>, meta=<1 members>}",
        r.toString());
  }

  @Test
  void event() {
    ServerEvent e = new ServerEvent(3, EventKinds.MESSAGE, Map.of("ts", 1L, "message", BODY));
    clean(e);
  }

  @Test
  void problemLeavesOutTheDeadRowsReason() {
    Problem p = Problem.idempotencyConflict(ErrorCodes.CONFLICT_DEAD_MATCH, "0011223344556677",
        null, "SECRET-last-error");
    clean(p);
    assertEquals("Problem{409 idempotency_key_reused, conflict=outbox_dead_fingerprint_match,"
        + " prefix=0011223344556677, detail=client_message_id already used:"
        + " outbox_dead_fingerprint_match}", p.toString());
  }
}
