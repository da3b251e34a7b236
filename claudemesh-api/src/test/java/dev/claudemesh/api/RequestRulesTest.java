package dev.claudemesh.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestRulesTest {
  private static String detail(Optional<Problem> p) {
    assertEquals(400, p.orElseThrow().status());
    assertEquals(ErrorCodes.INVALID_REQUEST, p.orElseThrow().error());
    return p.orElseThrow().detail();
  }

  @Test
  void clientMessageIdIsOneTo128PrintableAscii() {
    assertTrue(RequestRules.clientMessageId("a", "client_message_id").isEmpty());
    assertTrue(RequestRules.clientMessageId("x".repeat(128), "client_message_id").isEmpty());
    assertTrue(RequestRules.clientMessageId(" ~", "Idempotency-Key").isEmpty());
    assertEquals("client_message_id must be 1 to 128 characters, got 0",
        detail(RequestRules.clientMessageId("", "client_message_id")));
    assertEquals("Idempotency-Key must be 1 to 128 characters, got 129",
        detail(RequestRules.clientMessageId("x".repeat(129), "Idempotency-Key")));
    assertEquals("client_message_id must be printable ASCII; character 1 is not",
        detail(RequestRules.clientMessageId("a\u00e9", "client_message_id")));
    assertEquals("client_message_id must be printable ASCII; character 0 is not",
        detail(RequestRules.clientMessageId("\tx", "client_message_id")));
  }

  @ParameterizedTest
  @CsvSource({"now", "next", "low"})
  void priorities(String p) {
    assertTrue(RequestRules.priority(p).isEmpty());
  }

  @Test
  void otherPrioritiesAreRefused() {
    assertTrue(RequestRules.priority(null).isEmpty());
    assertEquals("priority must be one of now, next, low",
        detail(RequestRules.priority("NOW")));
    assertEquals("priority must be one of now, next, low", detail(RequestRules.priority("")));
  }

  @Test
  void destinations() {
    assertTrue(RequestRules.to("ab".repeat(32)).isEmpty());
    assertTrue(RequestRules.to("alice").isEmpty());
    assertTrue(RequestRules.to("#ops").isEmpty());
    assertTrue(RequestRules.to("*").isEmpty());
    assertEquals("to must be 1 to 256 characters, got 0", detail(RequestRules.to("")));
    assertEquals("to (topic after #) must be 1 to 256 characters, got 0",
        detail(RequestRules.to("#")));
    assertEquals("to must not hold control characters; character 1 is one",
        detail(RequestRules.to("a\nb")));
    assertEquals("to must be 1 to 256 characters, got 257",
        detail(RequestRules.to("a".repeat(257))));
    assertTrue(RequestRules.isPubkey("AB".repeat(32)));
    assertFalse(RequestRules.isPubkey("ab".repeat(31)));
    assertFalse(RequestRules.isPubkey("zz".repeat(32)));
  }

  @Test
  void sendChecksEveryRuleFirstFailureFirst() {
    assertTrue(RequestRules.check(SendRequest.of("alice", "hi")).isEmpty());
    assertEquals("priority must be one of now, next, low",
        detail(RequestRules.check(new SendRequest("alice", "hi", "urgent", null, null, "c"))));
    assertEquals("client_message_id must be 1 to 128 characters, got 0",
        detail(RequestRules.check(new SendRequest("alice", "hi", null, null, null, ""))));
  }

  @Test
  void topicRequests() {
    assertEquals("mentions[1] must be 1 to 256 characters, got 0",
        detail(RequestRules.check(new TopicPostRequest("ops", "m", null, List.of("a", ""), null))));
    assertEquals("topic must be 1 to 256 characters, got 0",
        detail(RequestRules.check(new TopicRequest(""))));
  }

  @Test
  void requeueNeedsExactlyOneWayToNameTheNewId() {
    assertTrue(RequestRules.check(new RequeueRequest("o", "c2", null, null, null)).isEmpty());
    assertTrue(RequestRules.check(new RequeueRequest("o", null, true, null, null)).isEmpty());
    assertEquals("give exactly one of new_client_message_id and auto:true",
        detail(RequestRules.check(new RequeueRequest("o", null, null, null, null))));
    assertEquals("give exactly one of new_client_message_id and auto:true",
        detail(RequestRules.check(new RequeueRequest("o", "c2", true, null, null))));
    assertEquals("new_client_message_id must be 1 to 128 characters, got 200",
        detail(RequestRules.check(new RequeueRequest("o", "x".repeat(200), false, null, null))));
  }
}
