package dev.claudemesh.daemon.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.api.Routes;
import dev.claudemesh.daemon.ipc.Capabilities;
import dev.claudemesh.testing.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HookTokensTest {
  private static final String ALICE = "ab".repeat(32);
  private static final String CAROL = "cd".repeat(32);

  private final MutableClock clock = new MutableClock(1_700_000_000_000L);
  private final HookTokens tokens = new HookTokens(clock);

  private static Capabilities.Request send(String to, String replyToId) {
    return new Capabilities.Request("POST", Routes.SEND, to, replyToId);
  }

  @Test
  void aTokenLivesUntilItsHookExits() {
    HookTokens.Issued issued = tokens.issue("on-dm", "7", List.of(new Scope.DmSend(ALICE)));
    assertTrue(tokens.lookup(issued.token()).isPresent());
    assertEquals(1, tokens.liveCount());
    issued.close();
    assertTrue(tokens.lookup(issued.token()).isEmpty());
    assertEquals(0, tokens.liveCount());
    assertFalse(issued.toString().contains(issued.token()));
  }

  @Test
  void aTokenDiesFiveMinutesAfterIssueEvenIfItsHookStillRuns() {
    HookTokens.Issued issued = tokens.issue("on-dm", "7", List.of(new Scope.DmSend(ALICE)));
    clock.advance(HookTokens.LIFETIME.minus(Duration.ofMillis(1)));
    assertTrue(tokens.lookup(issued.token()).isPresent());
    clock.advance(Duration.ofMillis(1));
    assertTrue(tokens.lookup(issued.token()).isEmpty());
    assertTrue(tokens.lookup("never-issued").isEmpty());
  }

  @Test
  void tokensAreRandomAndNeedAScope() {
    String a = tokens.issue("on-dm", "1", List.of(new Scope.DmSend(ALICE))).token();
    String b = tokens.issue("on-dm", "1", List.of(new Scope.DmSend(ALICE))).token();
    assertFalse(a.equals(b));
    assertTrue(a.matches("[A-Za-z0-9_-]{43}"), a);
    assertThrows(IllegalArgumentException.class, () -> tokens.issue("on-dm", "1", List.of()));
  }

  @Test
  void dmSendAllowsTheSenderOnly() {
    Capabilities.Capability c = tokens.lookup(tokens.issue("on-dm", "3",
        List.of(new Scope.DmSend(ALICE))).token()).orElseThrow();
    assertTrue(c.refusal(send(ALICE, null)).isEmpty());
    assertTrue(c.refusal(send(ALICE.toUpperCase(), null)).isEmpty());
    assertTrue(c.refusal(send(CAROL, null)).isPresent());
    assertTrue(c.refusal(send("alice", null)).isPresent(), "names are not resolved for hooks");
    assertTrue(c.refusal(send("#general", null)).isPresent());
    assertTrue(c.refusal(send(null, null)).isPresent());
    assertTrue(c.refusal(new Capabilities.Request("GET", Routes.INBOX, null, null)).isPresent());
    assertTrue(c.refusal(new Capabilities.Request("POST", Routes.TOPIC_POST, ALICE, null)).isPresent());
    assertEquals(6, tokens.refusedCount());
  }

  @Test
  void replyEventNeedsTheOriginAndTheMessageId() {
    Capabilities.Capability c = tokens.lookup(tokens.issue("on-message", "4",
        List.of(new Scope.Reply(ALICE, Set.of("m-1", "b-1")))).token()).orElseThrow();
    assertTrue(c.refusal(send(ALICE, "m-1")).isEmpty());
    assertTrue(c.refusal(send(ALICE, "b-1")).isEmpty());
    assertTrue(c.refusal(send(ALICE, null)).isPresent());
    assertTrue(c.refusal(send(ALICE, "m-2")).isPresent());
    assertTrue(c.refusal(send(CAROL, "m-1")).isPresent());
  }

  @Test
  void topicPostAllowsThatTopicByEitherRoute() {
    Capabilities.Capability c = tokens.lookup(tokens.issue("on-topic-alerts", "5",
        List.of(new Scope.TopicPost("alerts"))).token()).orElseThrow();
    assertTrue(c.refusal(send("#alerts", null)).isEmpty());
    assertTrue(c.refusal(new Capabilities.Request("POST", Routes.TOPIC_POST, "#alerts", null)).isEmpty());
    assertTrue(c.refusal(send("#other", null)).isPresent());
    assertTrue(c.refusal(send("*", null)).isPresent());
    assertTrue(c.refusal(send(ALICE, null)).isPresent());
  }

  @Test
  void placeholdersAreFilledFromTheEvent() {
    Map<String, Object> dm = Map.of("from", ALICE, "id", "i-1", "client_message_id", "m-1",
        "broker_message_id", "b-1");
    List<Scope> scopes = HookTriggers.scopesFor(List.of("reply:event", "dm:send:<sender>",
        "topic:<topic>:post", "topic:ops:post"), new java.util.HashMap<>(dm));
    assertEquals(List.of(new Scope.Reply(ALICE, Set.of("i-1", "m-1", "b-1")),
        new Scope.DmSend(ALICE), new Scope.TopicPost("ops")), scopes);

    Map<String, Object> topic = new java.util.HashMap<>(dm);
    topic.put("topic", "news");
    List<Scope> onTopic = HookTriggers.scopesFor(List.of("reply:event", "topic:<topic>:post"), topic);
    assertEquals(List.of(new Scope.Reply("#news", Set.of("i-1", "m-1", "b-1")),
        new Scope.TopicPost("news")), onTopic);
    Map<String, Object> broadcast = new java.util.HashMap<>(dm);
    broadcast.put("topic", "*");
    assertEquals(List.of(new Scope.Reply(ALICE, Set.of("i-1", "m-1", "b-1"))),
        HookTriggers.scopesFor(List.of("reply:event", "topic:<topic>:post"), broadcast),
        "a broadcast is answered to its sender alone, never to everyone");
    assertEquals(List.of(), HookTriggers.scopesFor(List.of("reply:event", "dm:send:<sender>"),
        new java.util.HashMap<>(Map.of("ts", 1L))), "nothing to fill: nothing granted");
  }
}
