package dev.claudemesh.core.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.core.CapturedLogs;
import dev.claudemesh.core.jcs.Jcs;
import dev.claudemesh.core.protocol.FeatureNegotiation;
import dev.claudemesh.core.protocol.FeatureNegotiationRequest;
import dev.claudemesh.core.protocol.NegotiatedFeatures;
import dev.claudemesh.core.protocol.NegotiationFailure;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every way negotiation fails ends in a 4010 close, a fatal callback and no reconnect (SPEC §7.2). */
class BrokerConnectionNegotiationTest {
  static final String DEDUPE_OK = dedupe("\"version\":1,\"mode\":\"retention_scoped\",\"dedupe_retention_days\":7,"
      + "\"request_fingerprint\":true");
  static final String POLICY_OK = "\"concurrent_connection_policy\":{\"params\":{\"version\":1}}";
  static final String PAYLOAD_OK = payload("\"version\":1,\"inline_bytes\":65536,\"blob_bytes\":65536");
  static final List<String> REQUIRE_PAYLOAD = List.of(
      FeatureNegotiation.CLIENT_MESSAGE_ID_DEDUPE, FeatureNegotiation.CONCURRENT_CONNECTION_POLICY,
      FeatureNegotiation.MAX_PAYLOAD);

  FakeBroker broker;
  RecordingListener listener = new RecordingListener();
  BrokerConnection connection;

  static String dedupe(String params) {
    return "\"client_message_id_dedupe\":{\"params\":{" + params + "}}";
  }

  static String payload(String params) {
    return "\"max_payload\":{\"params\":{" + params + "}}";
  }

  @BeforeEach
  void setUp() throws Exception {
    broker = new FakeBroker();
  }

  @AfterEach
  void tearDown() {
    if (connection != null) {
      connection.close();
    }
    broker.close();
  }

  static Stream<Arguments> failures() {
    String longFeature = "feature_" + "x".repeat(150);
    return Stream.of(
        Arguments.of("required feature missing from supported", POLICY_OK, "", FeatureNegotiation.DEFAULT_REQUIRE,
            NegotiationFailure.FEATURE_UNAVAILABLE, FeatureNegotiation.CLIENT_MESSAGE_ID_DEDUPE),
        Arguments.of("required feature listed in missing_required", DEDUPE_OK + "," + POLICY_OK,
            "\"concurrent_connection_policy\"", FeatureNegotiation.DEFAULT_REQUIRE,
            NegotiationFailure.FEATURE_UNAVAILABLE, FeatureNegotiation.CONCURRENT_CONNECTION_POLICY),
        Arguments.of("unknown params.version", dedupe("\"version\":2,\"mode\":\"permanent\",\"request_fingerprint\":true")
            + "," + POLICY_OK, "", FeatureNegotiation.DEFAULT_REQUIRE,
            NegotiationFailure.FEATURE_PARAM_INVALID, FeatureNegotiation.CLIENT_MESSAGE_ID_DEDUPE),
        Arguments.of("unknown mode", dedupe("\"version\":1,\"mode\":\"forever\",\"request_fingerprint\":true")
            + "," + POLICY_OK, "", FeatureNegotiation.DEFAULT_REQUIRE,
            NegotiationFailure.FEATURE_PARAM_INVALID, FeatureNegotiation.CLIENT_MESSAGE_ID_DEDUPE),
        Arguments.of("request_fingerprint false", dedupe("\"version\":1,\"mode\":\"permanent\",\"request_fingerprint\":false")
            + "," + POLICY_OK, "", FeatureNegotiation.DEFAULT_REQUIRE,
            NegotiationFailure.FEATURE_PARAM_INVALID, FeatureNegotiation.CLIENT_MESSAGE_ID_DEDUPE),
        Arguments.of("required param missing", dedupe("\"version\":1,\"mode\":\"retention_scoped\",\"request_fingerprint\":true")
            + "," + POLICY_OK, "", FeatureNegotiation.DEFAULT_REQUIRE,
            NegotiationFailure.FEATURE_PARAM_INVALID, FeatureNegotiation.CLIENT_MESSAGE_ID_DEDUPE),
        Arguments.of("retention of 2 days", dedupe("\"version\":1,\"mode\":\"retention_scoped\",\"dedupe_retention_days\":2,"
            + "\"request_fingerprint\":true") + "," + POLICY_OK, "", FeatureNegotiation.DEFAULT_REQUIRE,
            NegotiationFailure.FEATURE_PARAM_BELOW_FLOOR, FeatureNegotiation.CLIENT_MESSAGE_ID_DEDUPE),
        Arguments.of("inline_bytes 512", DEDUPE_OK + "," + POLICY_OK + ","
            + payload("\"version\":1,\"inline_bytes\":512,\"blob_bytes\":65536"), "", REQUIRE_PAYLOAD,
            NegotiationFailure.FEATURE_PARAM_BELOW_FLOOR, FeatureNegotiation.MAX_PAYLOAD),
        Arguments.of("very long feature name and detail", DEDUPE_OK + "," + POLICY_OK, "",
            List.of(FeatureNegotiation.CLIENT_MESSAGE_ID_DEDUPE, longFeature),
            NegotiationFailure.FEATURE_UNAVAILABLE, longFeature));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void failureClosesWith4010AndNeverReconnects(
      String name, String supported, String missing, List<String> require, String kind, String feature)
      throws Exception {
    broker.negotiation = FakeBroker.negotiation(supported, missing);
    connection = BrokerTests.builder(broker, listener).requireFeatures(require).optionalFeatures(List.of()).build();
    connection.start();
    FakeBroker.Conn conn = broker.nextConnection();
    assertEquals(require, conn.next(FeatureNegotiationRequest.class).require());

    String close = conn.awaitClose();
    assertTrue(close.startsWith("4010 "), close);
    String reason = close.substring(5);
    assertTrue(reason.getBytes(StandardCharsets.UTF_8).length <= 123, reason);
    Map<?, ?> json = (Map<?, ?>) Jcs.parse(reason);
    assertEquals(kind, json.get("kind"));
    assertTrue(feature.startsWith((String) json.get("feature")), reason);
    assertTrue(json.get("detail") instanceof String, reason);

    NegotiationFailure failure = RecordingListener.take(listener.negotiationFailures, "onNegotiationFailed");
    assertEquals(kind, failure.kind());
    assertEquals(feature, failure.feature());
    BrokerFatalException fatal = RecordingListener.take(listener.fatals, "onFatal");
    assertEquals(4010, fatal.closeCode());
    assertEquals(reason, fatal.reason());
    assertEquals(List.of("disconnected 4010 false", "negotiation_failed " + kind, "fatal 4010"), listener.next(3));

    assertStoppedForGood();
    assertFalse(CapturedLogs.linesContaining("failed feature negotiation with " + broker.url()).isEmpty());
  }

  @Test
  void brokerClosingWith4010IsANegotiationFailureToo() throws Exception {
    broker.negotiation = null;
    connection = BrokerTests.builder(broker, listener).build();
    connection.start();
    FakeBroker.Conn conn = broker.nextConnection();
    conn.next(FeatureNegotiationRequest.class);
    String reason = new NegotiationFailure(NegotiationFailure.FEATURE_UNAVAILABLE, "client_message_id_dedupe",
        "client did not ask").closeReason();
    conn.socket().close(4010, reason);

    NegotiationFailure failure = RecordingListener.take(listener.negotiationFailures, "onNegotiationFailed");
    assertEquals("client_message_id_dedupe", failure.feature());
    assertEquals(4010, RecordingListener.take(listener.fatals, "onFatal").closeCode());
    assertStoppedForGood();
  }

  @Test
  void invalidOptionalParamFallsBackToItsDefaultWithAWarning() throws Exception {
    broker.negotiation = FakeBroker.negotiation(DEDUPE_OK
        + ",\"concurrent_connection_policy\":{\"params\":{\"version\":1,\"default_policy\":\"coin_flip\"}},"
        + "\"key_epoch\":{\"params\":{\"version\":1,\"max_concurrent_epochs\":0}}," + PAYLOAD_OK, "");
    connection = BrokerTests.builder(broker, listener).build();
    connection.start();
    NegotiatedFeatures features = RecordingListener.take(listener.connected, "onConnected");
    assertEquals(FeatureNegotiation.PREFER_NEWEST, features.connectionPolicy());
    assertFalse(features.has(FeatureNegotiation.KEY_EPOCH), "an optional feature below its floor is dropped");
    assertTrue(features.has(FeatureNegotiation.MAX_PAYLOAD));
    assertFalse(CapturedLogs.linesContaining("WARN").stream()
        .filter(line -> line.contains("invalid default_policy coin_flip")).toList().isEmpty());
    assertFalse(CapturedLogs.linesContaining("optional feature key_epoch dropped").isEmpty());
    assertTrue(connection.isConnected());
  }

  @Test
  void everyNegotiationLogsOneInfoSummary() throws Exception {
    connection = BrokerTests.builder(broker, listener).build();
    int before = CapturedLogs.linesContaining("INFO dev.claudemesh.core.broker.BrokerConnection - feature negotiation with "
        + broker.url()).size();
    connection.start();
    RecordingListener.take(listener.connected, "onConnected");
    List<String> after = CapturedLogs.linesContaining("INFO dev.claudemesh.core.broker.BrokerConnection - feature "
        + "negotiation with " + broker.url());
    assertEquals(before + 1, after.size(), after.toString());
  }

  private void assertStoppedForGood() throws InterruptedException {
    Thread.sleep(400); // four times the largest backoff: a reconnect would have happened by now
    assertEquals(1, broker.upgrades.get(), "no reconnect after a fatal close");
    assertFalse(connection.isConnected());
    assertEquals(0, connection.reconnects());
    assertTrue(connection.fatalFailure().isPresent());
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> connection.send(BrokerTests.dm("after-fatal")).get());
    assertTrue(e.getCause().getMessage().contains("stopped for good"), e.getCause().getMessage());
  }
}
