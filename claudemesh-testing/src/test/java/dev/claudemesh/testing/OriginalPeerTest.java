package dev.claudemesh.testing;

import static dev.claudemesh.testing.Inboxes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.core.Peer;
import dev.claudemesh.core.SendRequest;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A peer that never negotiates features, as original claudemesh peers do, is served the same (SPEC §7.2). */
class OriginalPeerTest {
  @TempDir Path root;

  @Test
  void aPeerThatSkipsNegotiationSendsAndReceivesWithDedupe() throws Exception {
    try (MeshHarness mesh = MeshHarness.builder(root).peers(p -> p.negotiateFeatures(false)).start()) {
      Peer alice = mesh.peer("alice");
      Peer bob = mesh.peer("bob");
      assertTrue(alice.connection().negotiatedFeatures().orElseThrow().asMap().isEmpty(), "nothing negotiated");
      alice.send(SendRequest.builder(bob.memberPubkey(), "from an old peer").idempotencyKey("o-1").build());
      await("delivered", Duration.ofSeconds(30), () -> Inboxes.count(bob) == 1);
      bob.send(SendRequest.of(alice.memberPubkey(), "and back"));
      await("answered", Duration.ofSeconds(30), () -> Inboxes.count(alice) == 1);
      assertEquals("from an old peer", Inboxes.all(bob).get(0).body().orElseThrow());
    }
  }
}
