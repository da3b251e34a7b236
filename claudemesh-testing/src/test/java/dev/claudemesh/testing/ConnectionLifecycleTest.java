package dev.claudemesh.testing;

import static dev.claudemesh.testing.Inboxes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.broker.store.ConnectionPolicy;
import dev.claudemesh.core.Peer;
import dev.claudemesh.core.PeerException;
import dev.claudemesh.core.SendRequest;
import dev.claudemesh.core.events.EventKinds;
import dev.claudemesh.core.events.PeerEvent;
import dev.claudemesh.core.protocol.CloseCodes;
import dev.claudemesh.core.protocol.FeatureNegotiation;
import dev.claudemesh.core.protocol.NegotiationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Feature negotiation and the close codes of SPEC §7.6 against the real broker. */
class ConnectionLifecycleTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path root;

  static Stream<Arguments> brokenAdvertisements() {
    return Stream.of(
        Arguments.of("dedupe not offered", NegotiationFailure.FEATURE_UNAVAILABLE, null),
        Arguments.of("unknown mode", NegotiationFailure.FEATURE_PARAM_INVALID,
            Map.of("version", 1, "mode", "eventual", "request_fingerprint", true)),
        Arguments.of("fingerprints off", NegotiationFailure.FEATURE_PARAM_INVALID,
            Map.of("version", 1, "mode", "permanent", "request_fingerprint", false)),
        Arguments.of("params version 2", NegotiationFailure.FEATURE_PARAM_INVALID,
            Map.of("version", 2, "mode", "permanent", "request_fingerprint", true)),
        Arguments.of("retention below the 3-day floor", NegotiationFailure.FEATURE_PARAM_BELOW_FLOOR,
            Map.of("version", 1, "mode", "retention_scoped", "dedupe_retention_days", 2, "request_fingerprint", true)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenAdvertisements")
  void aBrokerWithoutUsableDedupeIsRefusedWith4010AndThePeerStops(
      String name, String kind, @Nullable Map<String, Object> dedupe) throws Exception {
    Map<String, Map<String, @Nullable Object>> features = new LinkedHashMap<>();
    if (dedupe != null) {
      features.put(FeatureNegotiation.CLIENT_MESSAGE_ID_DEDUPE, new LinkedHashMap<>(dedupe));
    }
    features.put(FeatureNegotiation.CONCURRENT_CONNECTION_POLICY, Map.of("version", 1));
    try (MeshHarness mesh = MeshHarness.builder(root).broker(b -> b.advertisedFeatures(features)).start()) {
      mesh.join("alice");
      Peer alice = mesh.openPeer("alice", c -> {});
      List<PeerEvent> failures = new CopyOnWriteArrayList<>();
      alice.events(e -> {
        if (e.kind().equals(EventKinds.FEATURE_NEGOTIATION_FAILED)) {
          failures.add(e);
        }
      });
      await("the peer stops", WAIT, () -> alice.fatalError().isPresent());
      assertEquals(CloseCodes.FEATURE_NEGOTIATION_FAILED, alice.fatalError().get().closeCode());
      NegotiationFailure reason = NegotiationFailure.parseCloseReason(alice.fatalError().get().reason());
      assertEquals(kind, reason.kind());
      assertEquals(FeatureNegotiation.CLIENT_MESSAGE_ID_DEDUPE, reason.feature());
      assertTrue(alice.fatalError().get().reason().getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 123);
      await("event", WAIT, () -> failures.size() == 1);
      assertEquals(kind, failures.get(0).data().get("kind"));
      PeerException refused = assertThrows(PeerException.class, () -> alice.send(SendRequest.of("#ops", "x")));
      assertEquals(503, refused.httpStatus());
      assertTrue(alice.health().degraded());
      Thread.sleep(300);
      assertEquals(0, alice.connection().reconnects(), "no reconnect loop after 4010");
    }
  }

  @Test
  void preferNewestReplacesTheOlderConnectionWith4003() throws Exception {
    try (MeshHarness mesh = MeshHarness.builder(root).start()) {
      Peer alice = mesh.peer("alice");
      copyIdentity(mesh, "alice", "alice-clone");
      Peer clone = mesh.openPeer("alice-clone", c -> {});
      MeshHarness.awaitConnected(clone, WAIT);
      await("the older connection is replaced", WAIT, () -> alice.fatalError().isPresent());
      assertEquals(CloseCodes.REPLACED_BY_NEWER_CONNECTION, alice.fatalError().get().closeCode());
      Thread.sleep(300);
      assertTrue(clone.isConnected());
      assertTrue(clone.fatalError().isEmpty());
    }
  }

  @Test
  void preferOldestRefusesTheNewerConnectionWith4004() throws Exception {
    try (MeshHarness mesh = MeshHarness.builder(root)
        .broker(b -> b.defaultConnectionPolicy(ConnectionPolicy.PREFER_OLDEST)).start()) {
      Peer alice = mesh.peer("alice");
      copyIdentity(mesh, "alice", "alice-clone");
      Peer clone = mesh.openPeer("alice-clone", c -> {});
      await("the newer connection is refused", WAIT, () -> clone.fatalError().isPresent());
      assertEquals(CloseCodes.MEMBER_ALREADY_CONNECTED, clone.fatalError().get().closeCode());
      assertTrue(alice.isConnected());
      assertTrue(alice.fatalError().isEmpty());
      Thread.sleep(300);
      assertEquals(0, clone.connection().reconnects(), "no reconnect loop after 4004");
    }
  }

  @Test
  void aRevokedMemberStopsWith4002AndDoesNotReconnect() throws Exception {
    try (MeshHarness mesh = MeshHarness.builder(root).start()) {
      Peer alice = mesh.peer("alice");
      Peer bob = mesh.peer("bob");
      mesh.broker().revokeMember(alice.memberPubkey());
      await("alice stops", WAIT, () -> alice.fatalError().isPresent());
      assertEquals(CloseCodes.REVOKED, alice.fatalError().get().closeCode());
      assertEquals(503, assertThrows(PeerException.class,
          () -> alice.send(SendRequest.of(bob.memberPubkey(), "x"))).httpStatus());
      Thread.sleep(300);
      assertEquals(0, alice.connection().reconnects());
      assertTrue(bob.isConnected());
    }
  }

  @Test
  void aBrokerRestartIsSeenAsDisconnectThenReconnectAndHealthFollows() throws Exception {
    try (MeshHarness mesh = MeshHarness.builder(root).start()) {
      Peer alice = mesh.peer("alice");
      List<String> kinds = new CopyOnWriteArrayList<>();
      alice.events(e -> kinds.add(e.kind()));
      assertTrue(alice.health().connected());
      assertEquals("test", alice.health().mesh());
      assertEquals(alice.memberPubkey(), alice.health().memberPubkey());
      assertEquals(dev.claudemesh.broker.ReferenceBroker.VERSION, alice.health().brokerVersion());
      assertTrue(alice.health().brokerFeaturesNegotiated().containsKey(FeatureNegotiation.CLIENT_MESSAGE_ID_DEDUPE));
      mesh.stopBroker();
      await("disconnected", WAIT, () -> !alice.isConnected());
      assertTrue(!alice.health().connected() && !alice.health().degraded(), "down but not stopped");
      mesh.startBroker();
      await("reconnected", WAIT, alice::isConnected);
      await("events", WAIT, () -> kinds.contains(EventKinds.DAEMON_RECONNECT));
      assertEquals(EventKinds.DAEMON_DISCONNECT, kinds.get(0));
      assertTrue(alice.fatalError().isEmpty());
    }
  }

  /** A second directory with the same member key: a clone of the identity, as a copied disk would be. */
  private static void copyIdentity(MeshHarness mesh, String from, String to) throws Exception {
    Path source = mesh.paths(from).dir();
    Path target = mesh.paths(to).dir();
    dev.claudemesh.core.internal.SecureFiles.createPrivateDirectories(target);
    for (String file : List.of("mesh.json", "keypair.json", "host_fingerprint.json")) {
      if (Files.exists(source.resolve(file))) {
        Files.copy(source.resolve(file), target.resolve(file), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
  }
}
