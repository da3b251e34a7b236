package dev.claudemesh.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.api.ApiJson;
import dev.claudemesh.api.ErrorCodes;
import dev.claudemesh.api.Problem;
import dev.claudemesh.api.SendRequest;
import dev.claudemesh.api.SendResponse;
import java.io.IOException;
import java.time.Duration;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Send retries: same key after a dropped connection, 429s after Retry-After, nothing else. */
class ClientRetryTest {
  private MockWebServer server;
  private ClaudemeshClient client;

  @BeforeEach
  void setUp() throws Exception {
    server = new MockWebServer();
    server.start();
    client = ClaudemeshClient.builder().baseUrl(server.url("/").toString()).maxRetries(3)
        .retryBackoff(Duration.ofMillis(20)).maxRetryAfter(Duration.ofSeconds(2)).build();
  }

  @AfterEach
  void tearDown() {
    client.close();
    server.close();
  }

  private static MockResponse accepted(String id) {
    return new MockResponse.Builder().code(202).setHeader("Content-Type", "application/json")
        .body(ApiJson.toJson(SendResponse.queued(id))).build();
  }

  private static MockResponse dropped() {
    return new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE)
        .build();
  }

  @Test
  void aDroppedConnectionIsRetriedWithTheSameMintedKey() throws Exception {
    server.enqueue(dropped());
    server.enqueue(dropped());
    server.enqueue(new MockResponse.Builder().code(202)
        .setHeader("Content-Type", "application/json").body("{\"client_message_id\":\"X\","
            + "\"status\":\"queued\"}").build());
    SendResponse r = client.send("bob", "hello");
    assertEquals("X", r.clientMessageId());
    String key = server.takeRequest().getHeaders().get("Idempotency-Key");
    assertNotNull(key);
    assertTrue(key.matches("[0-9A-HJKMNP-TV-Z]{26}"), "a ULID: " + key);
    assertEquals(key, server.takeRequest().getHeaders().get("Idempotency-Key"));
    RecordedRequest third = server.takeRequest();
    assertEquals(key, third.getHeaders().get("Idempotency-Key"));
    assertEquals("{\"to\":\"bob\",\"message\":\"hello\"}", third.getBody().utf8());
  }

  @Test
  void theCallersIdIsTheKey() throws Exception {
    server.enqueue(dropped());
    server.enqueue(accepted("mine-1"));
    SendResponse r = client.send(new SendRequest("bob", "hi", null, null, null, "mine-1"));
    assertEquals("mine-1", r.clientMessageId());
    assertEquals("mine-1", server.takeRequest().getHeaders().get("Idempotency-Key"));
    assertEquals("mine-1", server.takeRequest().getHeaders().get("Idempotency-Key"));
  }

  @Test
  void transportRetriesAreBoundedAndTheFailureNamesTheAttempts() {
    for (int i = 0; i < 4; i++) {
      server.enqueue(dropped());
    }
    IOException e = assertThrows(IOException.class, () -> client.send("bob", "hi"));
    assertTrue(e.getMessage().startsWith("POST /v1/send: no answer after 4 attempts in "),
        e.getMessage());
    assertEquals(4, server.getRequestCount());
  }

  @Test
  void daemonBusyIsRetriedAfterRetryAfter() throws Exception {
    server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "1")
        .setHeader("Content-Type", "application/problem+json")
        .body(ApiJson.toJson(Problem.of(ErrorCodes.DAEMON_BUSY, "busy"))).build());
    server.enqueue(accepted("k"));
    long started = System.nanoTime();
    client.send(new SendRequest("bob", "hi", null, null, null, "k"));
    long ms = (System.nanoTime() - started) / 1_000_000L;
    assertTrue(ms >= 950, "waited " + ms + " ms");
    assertEquals(2, server.getRequestCount());
  }

  @Test
  void aRetryAfterBeyondTheBoundIsThrownAtOnce() {
    server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "60")
        .setHeader("Content-Type", "application/problem+json")
        .body(ApiJson.toJson(Problem.of(ErrorCodes.RATE_LIMITED, "later"))).build());
    RateLimitedException e = assertThrows(RateLimitedException.class,
        () -> client.send("bob", "hi"));
    assertEquals(Duration.ofSeconds(60), e.retryAfter());
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void otherAnswersAreNeverRetried() {
    server.enqueue(new MockResponse.Builder().code(503)
        .setHeader("Content-Type", "application/problem+json")
        .body(ApiJson.toJson(Problem.of(ErrorCodes.BROKER_UNAVAILABLE, "no broker"))).build());
    assertThrows(BrokerUnavailableException.class, () -> client.send("bob", "hi"));
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void aRefusedPortIsDaemonNotRunning() throws Exception {
    String url = server.url("/").toString();
    server.close();
    try (ClaudemeshClient gone = ClaudemeshClient.builder().baseUrl(url).maxRetries(1)
        .retryBackoff(Duration.ofMillis(10)).build()) {
      DaemonNotRunningException e = assertThrows(DaemonNotRunningException.class,
          gone::health);
      assertTrue(e.getMessage().startsWith("no daemon at "), e.getMessage());
      assertTrue(e.getMessage().endsWith("; run `claudemesh daemon up`"), e.getMessage());
    }
  }
}
