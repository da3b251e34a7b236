package dev.claudemesh.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.claudemesh.core.protocol.FeatureNegotiation;
import dev.claudemesh.core.protocol.FeatureNegotiationRequest;
import dev.claudemesh.core.protocol.FeatureNegotiationResponse;
import dev.claudemesh.core.protocol.NegotiationFailure;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tests can make the advertisement wrong on purpose, to exercise a client's 4010 path. */
class WrongAdvertisementTest extends BrokerTestBase {
  @Override
  ReferenceBroker.Builder configure(ReferenceBroker.Builder builder) {
    return builder.advertisedFeatures(Map.of(FeatureNegotiation.CLIENT_MESSAGE_ID_DEDUPE,
        Map.of("version", 1, "mode", "retention_scoped", "dedupe_retention_days", 2, "request_fingerprint", true)));
  }

  @Test
  void advertisementIsServedAsConfigured() throws Exception {
    TestClient c = connect(join("alice"));
    c.send(new FeatureNegotiationRequest(FeatureNegotiation.DEFAULT_REQUIRE, List.of()));
    FeatureNegotiationResponse r = c.expect(FeatureNegotiationResponse.class);
    assertEquals(List.of(FeatureNegotiation.CONCURRENT_CONNECTION_POLICY), r.missingRequired());
    FeatureNegotiation.Outcome outcome = FeatureNegotiation.evaluate(
        new FeatureNegotiationResponse(r.supported(), List.of()), List.of(FeatureNegotiation.CLIENT_MESSAGE_ID_DEDUPE),
        List.of(), w -> { });
    assertFalse(outcome.ok());
    assertEquals(NegotiationFailure.FEATURE_PARAM_BELOW_FLOOR, outcome.failure().kind());
  }
}
