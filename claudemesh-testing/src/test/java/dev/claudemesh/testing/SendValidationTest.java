package dev.claudemesh.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.claudemesh.core.Peer;
import dev.claudemesh.core.PeerException;
import dev.claudemesh.core.SendRequest;
import dev.claudemesh.core.protocol.Frames;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad sends are refused at accept with the SPEC's codes and leave no outbox row. */
class SendValidationTest {
  @TempDir Path root;

  @Test
  void refusedSendsLeaveNoRowAndNameTheProblem() throws Exception {
    try (MeshHarness mesh = MeshHarness.builder(root).start()) {
      Peer alice = mesh.peer("alice");
      Peer bob = mesh.peer("bob");
      String bobKey = bob.memberPubkey();
      record Case(String name, SendRequest send, String code, int status) {}
      String big = "x".repeat(Frames.MAX_INLINE_BYTES - 15); // one byte over a DM's limit
      String hugeMeta = "m".repeat(Frames.MAX_META_CHARS);
      Stream.of(
          new Case("DM over inline_bytes", SendRequest.of(bobKey, big), PeerException.PAYLOAD_TOO_LARGE, 413),
          new Case("meta over 64 KiB", SendRequest.builder(bobKey, "hi").meta(Map.of("k", hugeMeta)).build(),
              PeerException.PAYLOAD_TOO_LARGE, 413),
          new Case("topic name with a slash", SendRequest.of("#team/backend", "x"), PeerException.INVALID_REQUEST, 400),
          new Case("id with a newline", SendRequest.builder("#ops", "x").idempotencyKey("a\nb").build(),
              PeerException.INVALID_REQUEST, 400),
          new Case("id of 129 characters", SendRequest.builder("#ops", "x").idempotencyKey("k".repeat(129)).build(),
              PeerException.INVALID_REQUEST, 400),
          new Case("meta that is not JSON", SendRequest.builder("#ops", "x").meta(Map.of("n", Double.NaN)).build(),
              PeerException.INVALID_REQUEST, 400),
          new Case("unknown peer name", SendRequest.of("nobody-here", "x"), PeerException.DESTINATION_UNRESOLVABLE, 422))
          .forEach(c -> {
            PeerException e = assertThrows(PeerException.class, () -> alice.send(c.send), c.name);
            assertEquals(c.code, e.code(), c.name + ": " + e.getMessage());
            assertEquals(c.status, e.httpStatus(), c.name);
          });
      assertEquals(0L, alice.outbox().depth().values().stream().mapToLong(Long::longValue).sum());
      // the largest DM that fits is accepted
      assertEquals(202, alice.send(SendRequest.of(bobKey, big.substring(1))).httpStatus());
      Inboxes.await("the 1 MiB DM", java.time.Duration.ofSeconds(60), () -> Inboxes.count(bob) == 1);
    }
  }
}
