package dev.claudemesh.core.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class EventBusTest {
  private static void await(String what, java.util.function.BooleanSupplier c) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!c.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(5);
    }
  }

  @Test
  void subscribersGetEventsInIdOrderAndAThrowingSubscriberHurtsNoOne() throws Exception {
    try (EventBus bus = new EventBus(Clock.systemUTC())) {
      List<Long> seen = new CopyOnWriteArrayList<>();
      bus.subscribe(e -> {
        throw new IllegalStateException("subscriber bug");
      });
      bus.subscribe(e -> seen.add(e.id()));
      for (int i = 0; i < 500; i++) {
        bus.publish(EventKinds.MESSAGE, Map.of("i", i));
      }
      await("500 events", () -> seen.size() == 500);
      for (int i = 0; i < 500; i++) {
        assertEquals(i + 1, seen.get(i));
      }
    }
  }

  @Test
  void closedSubscriptionStopsDelivery() throws Exception {
    try (EventBus bus = new EventBus(Clock.systemUTC())) {
      List<PeerEvent> seen = new CopyOnWriteArrayList<>();
      EventBus.Subscription s = bus.subscribe(seen::add);
      bus.publish(EventKinds.PEER_JOIN, Map.of());
      await("first", () -> seen.size() == 1);
      s.close();
      bus.publish(EventKinds.PEER_JOIN, Map.of());
      Thread.sleep(200);
      assertEquals(1, seen.size());
    }
  }

  @Test
  void replayReturnsWhatFollowsAnIdAndSaysWhenEventsWereLost() {
    try (EventBus bus = new EventBus(Clock.systemUTC(), 1000)) {
      for (int i = 0; i < 1500; i++) {
        bus.publish(EventKinds.MESSAGE, Map.of());
      }
      EventBus.Replay recent = bus.replaySince(1400);
      assertTrue(recent.complete());
      assertEquals(100, recent.events().size());
      assertEquals(1401, recent.events().get(0).id());
      EventBus.Replay old = bus.replaySince(10);
      assertFalse(old.complete(), "ids 11..500 already left the ring");
      assertEquals(1000, old.events().size());
      assertTrue(bus.replaySince(1500).events().isEmpty());
      assertEquals(1500, bus.lastId());
    }
  }

  @Test
  void largeBodiesReachSubscribersButTheRingKeepsOnlyTheirAbsence() throws Exception {
    try (EventBus bus = new EventBus(Clock.systemUTC())) {
      List<PeerEvent> seen = new CopyOnWriteArrayList<>();
      bus.subscribe(seen::add);
      String big = "b".repeat(EventBus.RING_BODY_LIMIT + 1);
      bus.publish(EventKinds.MESSAGE, Map.of("id", "row-1", "body", big));
      bus.publish(EventKinds.MESSAGE, Map.of("id", "row-2", "body", "small"));
      await("both", () -> seen.size() == 2);
      assertEquals(big, seen.get(0).data().get("body"), "live subscribers get the whole body");
      List<PeerEvent> replay = bus.replaySince(0).events();
      assertEquals(null, replay.get(0).data().get("body"));
      assertEquals(true, replay.get(0).data().get("body_omitted"));
      assertEquals("row-1", replay.get(0).data().get("id"));
      assertEquals("small", replay.get(1).data().get("body"));
    }
  }

  @Test
  void aStuckSubscriberCostsBoundedMemory() throws Exception {
    try (EventBus bus = new EventBus(Clock.systemUTC())) {
      java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
      bus.subscribe(e -> {
        try {
          release.await();
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
        }
      });
      String mib = "x".repeat(1 << 20);
      for (int i = 0; i < 200; i++) { // 200 MiB of bodies against a 64 Mi-character queue budget
        bus.publish(EventKinds.MESSAGE, Map.of("body", mib));
      }
      assertTrue(bus.dropped() >= 130, "dropped " + bus.dropped());
      release.countDown();
    }
  }

  @Test
  void toStringShowsNoData() {
    try (EventBus bus = new EventBus(Clock.systemUTC())) {
      PeerEvent e = bus.publish(EventKinds.MESSAGE, Map.of("body", "secret words"));
      assertFalse(e.toString().contains("secret"));
    }
  }

  @Test
  void ringSmallerThanTheSpecFloorIsRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new EventBus(Clock.systemUTC(), 999));
    assertEquals("ringSize must be at least 1000, got 999", e.getMessage());
  }
}
