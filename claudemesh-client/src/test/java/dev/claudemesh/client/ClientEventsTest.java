package dev.claudemesh.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.api.ApiJson;
import dev.claudemesh.api.ErrorCodes;
import dev.claudemesh.api.EventKinds;
import dev.claudemesh.api.Problem;
import dev.claudemesh.api.ServerEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The event stream: frames to typed events, reconnect with Last-Event-ID, close ends it. */
class ClientEventsTest {
  private MockWebServer server;
  private ClaudemeshClient client;
  private final BlockingQueue<Object> seen = new LinkedBlockingQueue<>();
  private final EventListener listener = new EventListener() {
    @Override
    public void onEvent(ServerEvent event) {
      seen.add(event);
    }

    @Override
    public void onReconnecting(IOException cause, Duration delay) {
      seen.add("reconnecting");
    }

    @Override
    public void onFailure(ClaudemeshException cause) {
      seen.add(cause);
    }
  };

  @BeforeEach
  void setUp() throws Exception {
    server = new MockWebServer();
    server.start();
    client = ClaudemeshClient.builder().baseUrl(server.url("/").toString())
        .retryBackoff(Duration.ofMillis(20)).build();
  }

  @AfterEach
  void tearDown() {
    client.close();
    server.close();
  }

  private static MockResponse stream(String body) {
    return new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
        .body(body).build();
  }

  private ServerEvent nextEvent() throws InterruptedException {
    while (true) {
      Object o = seen.poll(5, TimeUnit.SECONDS);
      assertNotNull(o, "an event within 5 s");
      if (o instanceof ServerEvent) {
        return (ServerEvent) o;
      }
    }
  }

  @Test
  void framesAreParsedAndTheStreamResumesAfterTheLastId() throws Exception {
    server.enqueue(stream(": stream open\n\n"
        + "id: 1\nevent: message\ndata: {\"ts\":10,\"from\":\"bob\"}\n\n"
        + ": keepalive\n\n"
        + "id: 2\r\nevent: peer_join\r\ndata: {\"ts\":11,\r\ndata: \"name\":\"carol\"}\r\n\r\n"
        + "id: 3\nevent: message\ndata: {\"ts\":12"));            // cut off: dropped
    server.enqueue(stream("id: 3\nevent: replay_gap\ndata: {\"ts\":13,\"last_event_id\":2,"
        + "\"oldest_event_id\":4}\n\nid: 4\nevent: message\ndata: {\"ts\":14}\n\n"));
    try (EventSubscription sub = client.events(null, listener)) {
      ServerEvent first = nextEvent();
      assertEquals(1, first.id());
      assertEquals(EventKinds.MESSAGE, first.event());
      assertEquals("bob", first.data().get("from"));
      assertEquals(10, first.ts());
      ServerEvent second = nextEvent();
      assertEquals(2, second.id());
      assertEquals("carol", second.data().get("name"), "data lines are joined");
      ServerEvent gap = nextEvent();
      assertEquals(EventKinds.REPLAY_GAP, gap.event());
      assertEquals(4, nextEvent().id());
      assertEquals(4, sub.lastEventId());
    }
    RecordedRequest open = server.takeRequest();
    assertNull(open.getHeaders().get("Last-Event-ID"));
    assertEquals("text/event-stream", open.getHeaders().get("Accept"));
    assertEquals("2", server.takeRequest().getHeaders().get("Last-Event-ID"));
  }

  @Test
  void aStartingIdIsSentAndAnUnrecoverableRefusalStopsTheSubscription() throws Exception {
    server.enqueue(new MockResponse.Builder().code(401)
        .setHeader("Content-Type", "application/problem+json")
        .body(ApiJson.toJson(Problem.of(ErrorCodes.UNAUTHORIZED, "bearer token required")))
        .build());
    EventSubscription sub = client.events(41L, listener);
    Object o = seen.poll(5, TimeUnit.SECONDS);
    assertTrue(o instanceof UnauthorizedException, String.valueOf(o));
    assertEquals("41", server.takeRequest().getHeaders().get("Last-Event-ID"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (sub.isActive() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertFalse(sub.isActive());
    sub.close();
  }

  @Test
  void tooManyStreamsIsRetriedAndCloseEndsTheThread() throws Exception {
    server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "0")
        .setHeader("Content-Type", "application/problem+json")
        .body(ApiJson.toJson(Problem.of(ErrorCodes.TOO_MANY_STREAMS, "32 open"))).build());
    // a stream that stays open: body delayed far beyond the test
    server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
        .body("id: 9\nevent: message\ndata: {\"ts\":1}\n\n").build());
    EventSubscription sub = client.events(null, listener);
    assertEquals("reconnecting", seen.poll(5, TimeUnit.SECONDS));
    assertEquals(9, nextEvent().id());
    sub.close();
    assertFalse(sub.isActive());
    assertTrue(Thread.getAllStackTraces().keySet().stream()
        .noneMatch(t -> t.getName().startsWith("claudemesh-events-") && t.isAlive()),
        "the subscription's thread has ended");
  }
}
