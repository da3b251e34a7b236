package dev.claudemesh.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ErrorCodesTest {
  private static List<String> constants(String prefix, boolean startsWith) throws Exception {
    List<String> out = new ArrayList<>();
    for (Field f : ErrorCodes.class.getDeclaredFields()) {
      int m = f.getModifiers();
      if (Modifier.isPublic(m) && Modifier.isStatic(m) && f.getType() == String.class
          && f.getName().startsWith(prefix) == startsWith) {
        out.add((String) f.get(null));
      }
    }
    return out;
  }

  @Test
  void everyErrorCodeHasAStatusAndATitle() throws Exception {
    List<String> codes = constants("CONFLICT_", false);
    assertEquals(codes.size(), new HashSet<>(codes).size(), "codes are distinct");
    assertEquals(new HashSet<>(codes), ErrorCodes.statusTable().keySet());
    for (Map.Entry<String, Integer> e : ErrorCodes.statusTable().entrySet()) {
      assertFalse(ErrorCodes.title(e.getValue()).startsWith("HTTP "), e.getKey());
    }
  }

  @Test
  void conflictsAreTheSevenRowsOfTheAcceptTable() throws Exception {
    assertEquals(List.of(
        "outbox_pending_fingerprint_mismatch", "outbox_inflight_fingerprint_mismatch",
        "outbox_done_fingerprint_mismatch", "outbox_dead_fingerprint_match",
        "outbox_dead_fingerprint_mismatch", "outbox_aborted_fingerprint_match",
        "outbox_aborted_fingerprint_mismatch"), ErrorCodes.CONFLICTS);
    assertEquals(ErrorCodes.CONFLICTS, constants("CONFLICT_", true));
    for (String c : ErrorCodes.CONFLICTS) {
      assertFalse(ErrorCodes.statusTable().containsKey(c), c + " is a conflict, not an error");
      Problem p = Problem.idempotencyConflict(c, "0011223344556677", null, null);
      assertEquals(409, p.status());
      assertEquals("idempotency_key_reused", p.error());
      assertEquals(c, p.conflict());
    }
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "invalid_request, 400", "token_in_query, 400", "unauthorized, 401",
      "forbidden_host, 403", "forbidden_origin, 403", "socket_only, 403", "forbidden_scope, 403",
      "pre_send_rejected, 403", "not_found, 404",
      "method_not_allowed, 405", "idempotency_key_reused, 409", "outbox_not_requeueable, 409",
      "payload_too_large, 413", "unsupported_media_type, 415", "destination_unresolvable, 422",
      "daemon_busy, 429", "too_many_streams, 429", "rate_limited, 429",
      "internal_error, 500", "broker_error, 502", "broker_unavailable, 503",
      "daemon_degraded, 503", "insufficient_storage, 507"})
  void statusOfEachCode(String code, int status) {
    assertEquals(OptionalInt.of(status), ErrorCodes.status(code));
    Problem p = Problem.of(code, "d");
    assertEquals(status, p.status());
    assertEquals(code, p.error());
  }

  @Test
  void tableHoldsExactlyTheCodesListed() {
    assertEquals(23, ErrorCodes.statusTable().size());
  }

  @Test
  void unknownCodesAreMisuse() {
    assertEquals(OptionalInt.empty(), ErrorCodes.status("no_such_code"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Problem.of("no_such_code", "d"));
    assertEquals("unknown error code: no_such_code", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Problem.idempotencyConflict("outbox_done", "00", null, null));
    assertEquals("unknown conflict: outbox_done", e.getMessage());
  }

  @Test
  void retryAfterTravelsInTheBody() {
    Problem p = Problem.retryAfter(ErrorCodes.RATE_LIMITED, "slow down", 3);
    assertEquals(429, p.status());
    assertEquals(3L, p.retryAfter());
    assertTrue(p.toString().contains("retry_after=3"));
  }
}
