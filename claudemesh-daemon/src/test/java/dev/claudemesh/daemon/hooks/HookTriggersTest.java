package dev.claudemesh.daemon.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.claudemesh.core.events.EventKinds;
import dev.claudemesh.core.events.PeerEvent;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HookTriggersTest {
  private static final String BOB = "bb".repeat(32);
  private final HookTriggers triggers =
      new HookTriggers(new HookTriggers.Self("bob", BOB, "member-bob"));

  private List<String> hooks(String kind, Map<String, Object> data) {
    return triggers.hooksFor(new PeerEvent(1, kind, Instant.EPOCH, new HashMap<>(data)));
  }

  private List<String> message(String topic, String body, Object meta) {
    Map<String, Object> data = new HashMap<>();
    if (topic != null) {
      data.put("topic", topic);
    }
    data.put("body", body);
    if (meta != null) {
      data.put("meta", meta);
    }
    return hooks(EventKinds.MESSAGE, data);
  }

  @Test
  void messagesStartTheirHooks() {
    assertEquals(List.of("on-message", "on-dm"), message(null, "hi", null));
    assertEquals(List.of("on-message", "on-topic-news"), message("news", "hi", null));
    assertEquals(List.of("on-message"), message("*", "hi", null), "a broadcast has no topic hook");
    assertEquals(List.of("on-message", "on-dm", "on-mention"), message(null, "hi @bob!", null));
  }

  @Test
  void mentionsAreWordsOrMetaEntries() {
    assertEquals(List.of("on-message", "on-topic-t", "on-mention"), message("t", "@Bob look", null));
    assertEquals(List.of("on-message", "on-topic-t"), message("t", "@bobby look", null));
    assertEquals(List.of("on-message", "on-topic-t"), message("t", "mail bob@bob.example", null));
    assertEquals(List.of("on-message", "on-topic-t"), message("t", "bob", null));
    assertEquals(List.of("on-message", "on-topic-t", "on-mention"),
        message("t", "x", Map.of("mentions", List.of("carol", "bob"))));
    assertEquals(List.of("on-message", "on-topic-t", "on-mention"),
        message("t", "x", Map.of("mentions", List.of(BOB))));
    assertEquals(List.of("on-message", "on-topic-t", "on-mention"),
        message("t", "x", Map.of("mentions", List.of("member-bob"))));
    assertEquals(List.of("on-message", "on-topic-t"),
        message("t", "x", Map.of("mentions", "bob")), "mentions must be an array");
  }

  @Test
  void connectionEventsStartTheirHooksAndOthersNone() {
    assertEquals(List.of("on-disconnect"), hooks(EventKinds.DAEMON_DISCONNECT, Map.of()));
    assertEquals(List.of("on-reconnect"), hooks(EventKinds.DAEMON_RECONNECT, Map.of()));
    for (String kind : List.of(EventKinds.PEER_JOIN, EventKinds.HOOK_EXECUTED, EventKinds.OUTBOX_DEAD)) {
      assertEquals(List.of(), hooks(kind, Map.of()), kind);
    }
  }
}
