package dev.claudemesh.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.api.ApiJson;
import dev.claudemesh.api.ErrorCodes;
import dev.claudemesh.api.Problem;
import dev.claudemesh.api.SendRequest;
import java.time.Duration;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every error code of the api's table becomes its typed exception, with the problem's members. */
class ClientProblemTest {
  private MockWebServer server;
  private ClaudemeshClient client;

  @BeforeEach
  void setUp() throws Exception {
    server = new MockWebServer();
    server.start();
    client = ClaudemeshClient.builder().baseUrl(server.url("/").toString()).token("t0k3n")
        .maxRetries(0).build();
  }

  @AfterEach
  void tearDown() {
    client.close();
    server.close();
  }

  static MockResponse problem(Problem p) {
    return new MockResponse.Builder().code(p.status())
        .setHeader("Content-Type", "application/problem+json").body(ApiJson.toJson(p)).build();
  }

  static Stream<Arguments> codes() {
    return Stream.of(
        Arguments.of(ErrorCodes.INVALID_REQUEST, InvalidRequestException.class),
        Arguments.of(ErrorCodes.UNAUTHORIZED, UnauthorizedException.class),
        Arguments.of(ErrorCodes.PAYLOAD_TOO_LARGE, PayloadTooLargeException.class),
        Arguments.of(ErrorCodes.DESTINATION_UNRESOLVABLE, DestinationUnresolvableException.class),
        Arguments.of(ErrorCodes.DAEMON_BUSY, DaemonBusyException.class),
        Arguments.of(ErrorCodes.RATE_LIMITED, RateLimitedException.class),
        Arguments.of(ErrorCodes.INSUFFICIENT_STORAGE, InsufficientStorageException.class),
        Arguments.of(ErrorCodes.BROKER_UNAVAILABLE, BrokerUnavailableException.class),
        Arguments.of(ErrorCodes.PRE_SEND_REJECTED, PreSendRejectedException.class),
        Arguments.of(ErrorCodes.FORBIDDEN_SCOPE, ClaudemeshException.class),
        Arguments.of(ErrorCodes.TOKEN_IN_QUERY, ClaudemeshException.class),
        Arguments.of(ErrorCodes.FORBIDDEN_HOST, ClaudemeshException.class),
        Arguments.of(ErrorCodes.NOT_FOUND, ClaudemeshException.class),
        Arguments.of(ErrorCodes.OUTBOX_NOT_REQUEUEABLE, ClaudemeshException.class),
        Arguments.of(ErrorCodes.TOO_MANY_STREAMS, ClaudemeshException.class),
        Arguments.of(ErrorCodes.BROKER_ERROR, ClaudemeshException.class),
        Arguments.of(ErrorCodes.DAEMON_DEGRADED, ClaudemeshException.class),
        Arguments.of(ErrorCodes.INTERNAL_ERROR, ClaudemeshException.class));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("codes")
  void eachCodeMapsToItsType(String code, Class<? extends ClaudemeshException> type) {
    server.enqueue(problem(Problem.of(code, "because " + code)));
    ClaudemeshException e = assertThrows(ClaudemeshException.class, () -> client.health());
    assertSame(type, e.getClass());
    assertEquals(ErrorCodes.status(code).getAsInt(), e.status());
    assertEquals(code, e.errorCode());
    assertEquals("because " + code, e.detail());
    assertEquals("GET /v1/health: " + e.status() + " " + code + ": because " + code,
        e.getMessage());
  }

  @Test
  void everyCodeOfTheTableIsCovered() {
    assertEquals(ErrorCodes.statusTable().size() - 5, codes().count(),
        "forbidden_origin, socket_only, method_not_allowed, unsupported_media_type and "
            + "idempotency_key_reused are the codes left out of the table above");
  }

  @Test
  void conflictCarriesTheSpecMembers() {
    server.enqueue(problem(Problem.idempotencyConflict(ErrorCodes.CONFLICT_DONE_MISMATCH,
        "0123456789abcdef", "brk-1", null)));
    IdempotencyKeyReusedException e = assertThrows(IdempotencyKeyReusedException.class,
        () -> client.send(new SendRequest("bob", "x", null, null, null, "k-1")));
    assertEquals(409, e.status());
    assertEquals(ErrorCodes.CONFLICT_DONE_MISMATCH, e.conflict());
    assertEquals("0123456789abcdef", e.daemonFingerprintPrefix());
    assertEquals("brk-1", e.brokerMessageId());
    assertNull(e.reason());

    server.enqueue(problem(Problem.idempotencyConflict(ErrorCodes.CONFLICT_DEAD_MATCH,
        "fedcba9876543210", null, "recipient_unknown")));
    IdempotencyKeyReusedException dead = assertThrows(IdempotencyKeyReusedException.class,
        () -> client.send("bob", "x"));
    assertEquals("recipient_unknown", dead.reason());
    assertEquals(2, server.getRequestCount(), "a 409 is never retried");
  }

  @Test
  void retryAfterHeaderIsKeptOnTheException() {
    server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "7")
        .setHeader("Content-Type", "application/problem+json")
        .body(ApiJson.toJson(Problem.of(ErrorCodes.RATE_LIMITED, "slow down"))).build());
    RateLimitedException e = assertThrows(RateLimitedException.class, () -> client.peers());
    assertEquals(Duration.ofSeconds(7), e.retryAfter());
  }

  @Test
  void anAnswerWithoutAProblemBodyIsNamedByItsStatus() {
    server.enqueue(new MockResponse.Builder().code(502).setHeader("Content-Type", "text/html")
        .body("<html>bad gateway</html>").build());
    ClaudemeshException e = assertThrows(ClaudemeshException.class, () -> client.version());
    assertEquals("http_502", e.errorCode());
    assertEquals(502, e.status());
    assertTrue(e.detail().contains("bad gateway"), e.detail());
  }

  @Test
  void tokenTravelsAsBearerAndNeverInToString() throws Exception {
    server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "application/json")
        .body("{\"ok\":true,\"ts\":5}").build());
    assertEquals(5, client.heartbeat("ide").ts());
    assertEquals("Bearer t0k3n", server.takeRequest().getHeaders().get("Authorization"));
    assertTrue(!client.toString().contains("t0k3n") && client.toString().contains("***"),
        client.toString());
  }
}
