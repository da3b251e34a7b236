package dev.claudemesh.core.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.claudemesh.core.protocol.FeatureNegotiation;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Setters reject null and bad values by name; build() checks required and cross-field rules. */
class BrokerConnectionBuilderTest {
  private static BrokerConnection.Builder complete() {
    return BrokerConnection.builder().url("ws://127.0.0.1:1/ws").signingKey(BrokerTests.key())
        .meshId("mesh-1").memberId("member-1");
  }

  @Test
  void settersRejectNullNamingTheField() {
    BrokerConnection.Builder b = BrokerConnection.builder();
    assertEquals("url == null", assertThrows(NullPointerException.class, () -> b.url(null)).getMessage());
    assertEquals("signingKey == null", assertThrows(NullPointerException.class, () -> b.signingKey(null)).getMessage());
    assertEquals("meshId == null", assertThrows(NullPointerException.class, () -> b.meshId(null)).getMessage());
    assertEquals("listener == null", assertThrows(NullPointerException.class, () -> b.listener(null)).getMessage());
    assertEquals("clock == null", assertThrows(NullPointerException.class, () -> b.clock(null)).getMessage());
    assertEquals("ackTimeout == null", assertThrows(NullPointerException.class, () -> b.ackTimeout(null)).getMessage());
    assertEquals("require == null", assertThrows(NullPointerException.class, () -> b.requireFeatures(null)).getMessage());
    assertEquals("client == null", assertThrows(NullPointerException.class, () -> b.client(null)).getMessage());
  }

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of("http url", (Consumer<BrokerConnection.Builder>) b -> b.url("http://host/ws"),
            "url must start with ws:// or wss://, got http://host/ws"),
        Arguments.of("unknown peer type", (Consumer<BrokerConnection.Builder>) b -> b.peerType("robot"),
            "peerType must be one of [ai, human, connector], got robot"),
        Arguments.of("zero ack timeout", (Consumer<BrokerConnection.Builder>) b -> b.ackTimeout(Duration.ZERO),
            "ackTimeout must be positive, got PT0S"),
        Arguments.of("negative ping", (Consumer<BrokerConnection.Builder>) b -> b.pingInterval(Duration.ofSeconds(-1)),
            "pingInterval must not be negative, got PT-1S"),
        Arguments.of("no queue", (Consumer<BrokerConnection.Builder>) b -> b.maxQueuedPushes(0),
            "maxQueuedPushes must be at least 1, got 0"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badValues")
  void settersRejectBadValues(String name, Consumer<BrokerConnection.Builder> setter, String message) {
    assertEquals(message, assertThrows(IllegalArgumentException.class, () -> setter.accept(complete())).getMessage());
  }

  @Test
  void urlsInMessagesLoseUserInfoAndQuery() {
    assertEquals("wss://broker.example/ws", BrokerConnection.displayUrl("wss://user:pw@broker.example/ws?token=t"));
    assertEquals("ws://[::1]:8080/ws", BrokerConnection.displayUrl("ws://[::1]:8080/ws"));
  }

  @Test
  void buildNamesTheMissingField() {
    assertEquals("url is required", assertThrows(IllegalStateException.class,
        () -> BrokerConnection.builder().build()).getMessage());
    assertEquals("memberId is required", assertThrows(IllegalStateException.class,
        () -> BrokerConnection.builder().url("ws://h/ws").signingKey(BrokerTests.key()).meshId("m").build()).getMessage());
  }

  @Test
  void buildChecksRulesAcrossFields() {
    assertEquals("backoffMin (5000 ms) must not exceed backoffMax (1000 ms)", assertThrows(IllegalArgumentException.class,
        () -> complete().backoffMin(Duration.ofSeconds(5)).backoffMax(Duration.ofSeconds(1)).build()).getMessage());
    assertEquals("features [key_epoch] are in both requireFeatures and optionalFeatures",
        assertThrows(IllegalArgumentException.class, () -> complete()
            .requireFeatures(List.of(FeatureNegotiation.KEY_EPOCH)).build()).getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> complete().skipNegotiation(true).requireFeatures(FeatureNegotiation.DEFAULT_REQUIRE).build());
    assertThrows(IllegalArgumentException.class, () -> complete().meshId("").build(), "hello fields checked at build");
    complete().skipNegotiation(true).build().close(); // skipping with the default require is fine
  }

  @Test
  void closingAConnectionThatNeverStartedIsFine() {
    BrokerConnection connection = complete().build();
    connection.close();
    connection.close();
    assertThrows(IllegalStateException.class, connection::start);
  }
}
