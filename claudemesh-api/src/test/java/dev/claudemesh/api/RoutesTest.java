package dev.claudemesh.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoutesTest {
  @Test
  void theFrozenCoreHasSixteenDistinctRoutes() {
    Set<String> seen = new HashSet<>();
    for (Routes.Endpoint e : Routes.Endpoint.values()) {
      assertTrue(e.path().startsWith("/" + Routes.API_VERSION + "/"), e.toString());
      assertTrue(e.method().equals("GET") || e.method().equals("POST"), e.toString());
      assertTrue(seen.add(e.path()), "duplicate " + e);
    }
    assertEquals(16, seen.size());
  }

  @Test
  void methodsFollowTheSpecTable() {
    assertEquals("POST /v1/send", Routes.Endpoint.SEND.toString());
    assertEquals("POST /v1/outbox/requeue", Routes.Endpoint.OUTBOX_REQUEUE.toString());
    assertEquals("GET /v1/events", Routes.Endpoint.EVENTS.toString());
    assertEquals("GET /v1/health", Routes.Endpoint.HEALTH.toString());
    assertEquals("POST /v1/heartbeat", Routes.Endpoint.HEARTBEAT.toString());
  }

  @Test
  void eventKindsAreTheElevenOfTheSpec() {
    assertEquals(11, EventKinds.ALL.size());
    assertEquals(11, new HashSet<>(EventKinds.ALL).size());
  }

  @Test
  void sseFrameHasIdEventAndOneDataLine() {
    ServerEvent e = new ServerEvent(41, EventKinds.DAEMON_RECONNECT,
        java.util.Map.of("ts", 1767225600000L));
    assertEquals("id: 41\nevent: daemon_reconnect\ndata: {\"ts\":1767225600000}\n\n",
        e.toSseFrame());
    assertEquals(1767225600000L, e.ts());
  }
}
