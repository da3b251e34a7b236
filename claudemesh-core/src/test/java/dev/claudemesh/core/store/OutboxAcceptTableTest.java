package dev.claudemesh.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.core.fingerprint.DestinationKind;
import dev.claudemesh.core.fingerprint.FingerprintRequest;
import dev.claudemesh.core.fingerprint.RequestFingerprint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** SPEC §4.4, all 11 rows, at the core API. */
class OutboxAcceptTableTest {
  static final FingerprintRequest REQUEST = request("hello");
  static final FingerprintRequest OTHER = request("hello, changed");

  @TempDir Path dir;
  Outbox outbox;

  static FingerprintRequest request(String body) {
    return FingerprintRequest.builder().destinationKind(DestinationKind.TOPIC).destinationRef("general").body(body).build();
  }

  @BeforeEach
  void open() throws IOException {
    outbox = Outbox.builder(dir).open();
  }

  @AfterEach
  void close() {
    outbox.close();
  }

  /** Puts row "id-1" in {@code state}. */
  private void prepare(String state) throws IOException {
    if (state.equals("none")) {
      return;
    }
    assertEquals(AcceptResult.Kind.QUEUED, outbox.accept("id-1", REQUEST).kind());
    switch (state) {
      case "pending":
        return;
      case "inflight":
        assertEquals(1, outbox.claimDue(10).size());
        return;
      case "done":
        outbox.claimDue(10);
        assertTrue(outbox.markDone("id-1", "b-42", "h-7", true));
        return;
      case "dead":
        outbox.claimDue(10);
        assertTrue(outbox.markDead("id-1", "recipient_not_member"));
        return;
      case "aborted":
        outbox.requeue("id-1", "id-2", null, "test");
        return;
      default:
        throw new AssertionError(state);
    }
  }

  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of("none", true, AcceptResult.Kind.QUEUED, 202, "queued", null),
        Arguments.of("pending", true, AcceptResult.Kind.PENDING_MATCH, 202, "queued", null),
        Arguments.of("pending", false, AcceptResult.Kind.PENDING_MISMATCH, 409, null, "outbox_pending_fingerprint_mismatch"),
        Arguments.of("inflight", true, AcceptResult.Kind.INFLIGHT_MATCH, 202, "inflight", null),
        Arguments.of("inflight", false, AcceptResult.Kind.INFLIGHT_MISMATCH, 409, null, "outbox_inflight_fingerprint_mismatch"),
        Arguments.of("done", true, AcceptResult.Kind.DONE_MATCH, 200, null, null),
        Arguments.of("done", false, AcceptResult.Kind.DONE_MISMATCH, 409, null, "outbox_done_fingerprint_mismatch"),
        Arguments.of("dead", true, AcceptResult.Kind.DEAD_MATCH, 409, null, "outbox_dead_fingerprint_match"),
        Arguments.of("dead", false, AcceptResult.Kind.DEAD_MISMATCH, 409, null, "outbox_dead_fingerprint_mismatch"),
        Arguments.of("aborted", true, AcceptResult.Kind.ABORTED_MATCH, 409, null, "outbox_aborted_fingerprint_match"),
        Arguments.of("aborted", false, AcceptResult.Kind.ABORTED_MISMATCH, 409, null, "outbox_aborted_fingerprint_mismatch"));
  }

  @ParameterizedTest(name = "{0} + fingerprint {1} -> {2}")
  @MethodSource("table")
  void appliesTheTable(String existing, boolean sameRequest, AcceptResult.Kind kind, int http, String status,
      String conflict) throws IOException {
    prepare(existing);
    OutboxRow before = outbox.find("id-1").orElse(null);
    AcceptResult result = outbox.accept("id-1", sameRequest ? REQUEST : OTHER);

    assertEquals(kind, result.kind());
    assertEquals(http, result.httpStatus());
    assertEquals(Optional.ofNullable(status), result.status());
    assertEquals(Optional.ofNullable(conflict), result.conflict());
    if (http == 409) {
      assertEquals(Optional.of("idempotency_key_reused"), result.error());
      assertEquals(Optional.of(RequestFingerprint.of(REQUEST).prefixHex()), result.daemonFingerprintPrefix());
      assertEquals(16, result.daemonFingerprintPrefix().get().length());
    }
    if (kind == AcceptResult.Kind.DONE_MATCH) {
      assertEquals(Optional.of("b-42"), result.brokerMessageId());
      assertEquals(Optional.of("h-7"), result.historyId());
      assertEquals(Optional.empty(), result.error());
    }
    if (kind == AcceptResult.Kind.DONE_MISMATCH) {
      assertEquals(Optional.of("b-42"), result.brokerMessageId());
    }
    if (kind == AcceptResult.Kind.DEAD_MATCH) {
      assertEquals(Optional.of("recipient_not_member"), result.reason());
    }
    OutboxRow after = outbox.find("id-1").orElseThrow();
    if (before != null) { // an existing row is never changed by an accept
      assertEquals(before.status(), after.status());
      assertEquals(before.fingerprint(), after.fingerprint());
      assertEquals(before.attempts(), after.attempts());
    } else {
      assertEquals(OutboxStatus.PENDING, after.status());
      assertEquals(RequestFingerprint.of(REQUEST), after.fingerprint());
    }
  }
}
