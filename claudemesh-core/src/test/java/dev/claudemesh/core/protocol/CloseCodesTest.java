package dev.claudemesh.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** SPEC §7.6: which close codes a client reconnects after. */
class CloseCodesTest {
  static Stream<Arguments> codes() {
    return Stream.of(
        Arguments.of("normal closure", 1000, true),
        Arguments.of("broker shutdown", CloseCodes.GOING_AWAY, true),
        Arguments.of("no status received", 1005, true),
        Arguments.of("abnormal closure", 1006, true),
        Arguments.of("authentication failure (slowly)", CloseCodes.POLICY_VIOLATION, true),
        Arguments.of("message too big", CloseCodes.MESSAGE_TOO_BIG, true),
        Arguments.of("internal error", CloseCodes.INTERNAL_ERROR, true),
        Arguments.of("kicked", CloseCodes.KICKED, true),
        Arguments.of("banned or revoked", CloseCodes.REVOKED, false),
        Arguments.of("replaced by a newer connection", CloseCodes.REPLACED_BY_NEWER_CONNECTION, false),
        Arguments.of("member already connected", CloseCodes.MEMBER_ALREADY_CONNECTED, false),
        Arguments.of("feature negotiation failed", CloseCodes.FEATURE_NEGOTIATION_FAILED, false),
        Arguments.of("an unassigned private code", 4999, true));
  }

  @ParameterizedTest(name = "{0} ({1})")
  @MethodSource("codes")
  void reconnects(String name, int code, boolean reconnect) {
    assertEquals(reconnect, CloseCodes.reconnects(code));
  }

  @Test
  void specValues() {
    assertEquals(1001, CloseCodes.GOING_AWAY);
    assertEquals(1008, CloseCodes.POLICY_VIOLATION);
    assertEquals(4001, CloseCodes.KICKED);
    assertEquals(4002, CloseCodes.REVOKED);
    assertEquals(4003, CloseCodes.REPLACED_BY_NEWER_CONNECTION);
    assertEquals(4004, CloseCodes.MEMBER_ALREADY_CONNECTED);
    assertEquals(4010, CloseCodes.FEATURE_NEGOTIATION_FAILED);
    assertEquals(123, CloseCodes.MAX_REASON_BYTES);
  }
}
