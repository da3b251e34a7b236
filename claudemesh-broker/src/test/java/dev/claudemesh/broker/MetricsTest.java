package dev.claudemesh.broker;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.core.protocol.Ack;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics} is Prometheus text with the names of SPEC §10.4. */
class MetricsTest extends BrokerTestBase {
  private static final Pattern SAMPLE =
      Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"[^\"]*\"(,[a-zA-Z_][a-zA-Z0-9_]*=\"[^\"]*\")*\\})? \\S+");

  @Test
  void everyLineIsACommentOrASample() throws Exception {
    TestMember alice = join("alice");
    TestMember bob = join("bob");
    TestClient a = connect(alice);
    a.send(dm("s1", bob, "m1", randomHex(32)));
    a.expect(Ack.class);
    String text = get("/metrics");
    for (String line : text.split("\n")) {
      assertTrue(line.isEmpty() || line.startsWith("#") || SAMPLE.matcher(line).matches(), "bad line: " + line);
    }
    for (String name : new String[] {"cm_broker_dedupe_fingerprint_mismatch_total",
        "cm_broker_rate_limit_rejection_total", "cm_broker_dedupe_orphan_found", "cm_broker_connections ",
        "cm_broker_send_total{status=\"201\"} 1.0", "cm_broker_invalid_frame_total"}) {
      assertTrue(text.contains(name), name + " missing from\n" + text);
    }
  }
}
