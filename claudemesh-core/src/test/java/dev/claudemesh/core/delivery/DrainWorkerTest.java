package dev.claudemesh.core.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.core.crypto.Box;
import dev.claudemesh.core.crypto.Ed25519SigningKey;
import dev.claudemesh.core.crypto.SealedEnvelope;
import dev.claudemesh.core.events.EventBus;
import dev.claudemesh.core.events.EventKinds;
import dev.claudemesh.core.events.PeerEvent;
import dev.claudemesh.core.fingerprint.DestinationKind;
import dev.claudemesh.core.fingerprint.FingerprintRequest;
import dev.claudemesh.core.protocol.Ack;
import dev.claudemesh.core.protocol.SendFrame;
import dev.claudemesh.core.store.Outbox;
import dev.claudemesh.core.store.OutboxRow;
import dev.claudemesh.core.store.OutboxStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DrainWorkerTest {
  @TempDir Path dir;

  private final TestClock clock = new TestClock();
  private final Ed25519SigningKey me = Ed25519SigningKey.generate();
  private final Ed25519SigningKey them = Ed25519SigningKey.generate();
  private final FakeLink link = new FakeLink();
  private final List<PeerEvent> events = new CopyOnWriteArrayList<>();
  private Outbox outbox;
  private EventBus bus;
  private DrainWorker drain;

  @BeforeEach
  void open() throws Exception {
    outbox = Outbox.builder(dir).clock(clock).open();
    bus = new EventBus(clock);
    bus.subscribe(events::add);
  }

  private void startDrain(int maxInflight) {
    drain = new DrainWorker(outbox, link, () -> me, bus, clock, () -> Duration.ofHours(168), maxInflight);
    drain.start();
  }

  @AfterEach
  void close() {
    if (drain != null) {
      drain.close();
    }
    bus.close();
    outbox.close();
  }

  private FingerprintRequest dm(String body) {
    return FingerprintRequest.builder().destinationKind(DestinationKind.DM)
        .destinationRef(them.publicKey().hex()).body(body).build();
  }

  private FingerprintRequest topic(String name, String body) {
    return FingerprintRequest.builder().destinationKind(DestinationKind.TOPIC).destinationRef(name).body(body).build();
  }

  private OutboxStatus status(String id) throws Exception {
    return outbox.find(id).orElseThrow().status();
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(5);
    }
  }

  private BooleanSupplier statusIs(String id, OutboxStatus expected) {
    return () -> {
      try {
        return status(id) == expected;
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    };
  }

  @Test
  void accepted201MarksDoneWithBrokerIdsAndSealsTheDmForTheRecipient() throws Exception {
    outbox.accept("m1", dm("hello"));
    startDrain(16);
    await("done", statusIs("m1", OutboxStatus.DONE));
    OutboxRow row = outbox.find("m1").orElseThrow();
    assertEquals("b-m1", row.brokerMessageId().orElseThrow());
    assertEquals("h-m1", row.historyId().orElseThrow());
    SendFrame frame = link.sent.get(0);
    assertEquals(them.publicKey().hex(), frame.targetSpec());
    assertEquals("m1", frame.clientMessageId());
    assertEquals(row.fingerprint().hex(), frame.requestFingerprint());
    assertEquals("dm", frame.destinationKind());
    byte[] plain = Box.open(SealedEnvelope.fromBase64(frame.nonce(), frame.ciphertext()),
        me.publicKey().toX25519(), them.toX25519());
    assertEquals("hello", new String(plain, StandardCharsets.UTF_8));
  }

  @Test
  void topicBodiesAreBase64OfUtf8WithoutNonce() throws Exception {
    outbox.accept("t1", topic("ops", "héllo"));
    outbox.accept("t2", topic("*", "all"));
    startDrain(16);
    await("done", statusIs("t2", OutboxStatus.DONE));
    await("done", statusIs("t1", OutboxStatus.DONE));
    SendFrame t1 = link.sent.stream().filter(f -> f.id().equals("t1")).findFirst().orElseThrow();
    SendFrame t2 = link.sent.stream().filter(f -> f.id().equals("t2")).findFirst().orElseThrow();
    assertEquals("#ops", t1.targetSpec());
    assertNull(t1.nonce());
    assertEquals("héllo", new String(java.util.Base64.getDecoder().decode(t1.ciphertext()), StandardCharsets.UTF_8));
    assertEquals("*", t2.targetSpec());
  }

  @Test
  void duplicateWithoutHistoryIsDoneAndCounted() throws Exception {
    link.responder = f -> new Ack(f.id(), 200, f.clientMessageId(), "b1", "b1", null, true, false, 1L, false,
        null, null, null);
    outbox.accept("d1", topic("ops", "x"));
    startDrain(16);
    await("done", statusIs("d1", OutboxStatus.DONE));
    await("counted", () -> drain.historyUnavailableCount() == 1);
    assertEquals(1, drain.duplicateCount());
  }

  @Test
  void idempotencyKeyReusedIsDeadWithAnEventCarryingTheBrokerPrefix() throws Exception {
    link.responder = f -> FakeLink.error(f, 409, "idempotency_key_reused", true);
    outbox.accept("c1", topic("ops", "x"));
    startDrain(16);
    await("dead", statusIs("c1", OutboxStatus.DEAD));
    await("event", () -> events.stream().anyMatch(e -> e.kind().equals(EventKinds.OUTBOX_DEAD)));
    PeerEvent event = events.stream().filter(e -> e.kind().equals(EventKinds.OUTBOX_DEAD)).findFirst().orElseThrow();
    assertEquals("c1", event.data().get("client_message_id"));
    assertEquals("idempotency_key_reused", event.data().get("reason"));
    assertEquals("0011223344556677", event.data().get("broker_fingerprint_prefix"));
    assertTrue(outbox.find("c1").orElseThrow().lastError().orElseThrow().contains("409 idempotency_key_reused"));
  }

  @Test
  void classificationFollowsStatusAndPermanentFlagNeverText() throws Exception {
    // same message text everywhere; only status, code and permanent differ
    record Case(String id, int status, String code, boolean permanent, OutboxStatus expected) {}
    List<Case> cases = List.of(
        new Case("p404", 404, "recipient_not_found", true, OutboxStatus.DEAD),
        new Case("p413", 413, "payload_too_large", true, OutboxStatus.DEAD),
        new Case("t429", 429, "rate_limited", false, OutboxStatus.PENDING),
        new Case("t400", 400, "try_later", false, OutboxStatus.PENDING),
        new Case("t500", 500, "internal", false, OutboxStatus.PENDING),
        new Case("t503", 503, "unavailable", true, OutboxStatus.PENDING)); // 5xx is never permanent
    link.responder = f -> {
      Case c = cases.stream().filter(x -> x.id.equals(f.id())).findFirst().orElseThrow();
      return FakeLink.error(f, c.status, c.code, c.permanent);
    };
    for (Case c : cases) {
      outbox.accept(c.id, topic("ops", "same text"));
    }
    startDrain(16);
    for (Case c : cases) {
      await(c.id, statusIs(c.id, c.expected));
      if (c.expected == OutboxStatus.PENDING) {
        assertEquals(1, outbox.find(c.id).orElseThrow().attempts(), c.id);
      }
    }
  }

  @Test
  void sendsAreCountedByDestinationKindAndOutcome() throws Exception {
    link.responder = f -> {
      switch (f.id()) {
        case "dup":
          return new Ack(f.id(), 200, f.clientMessageId(), "b1", "h1", null, true, true, 1L, false, null, null, null);
        case "gone":
          return FakeLink.error(f, 404, "recipient_not_found", true);
        case "busy":
          return FakeLink.error(f, 503, "unavailable", false);
        default:
          return FakeLink.accepted(f, 201);
      }
    };
    outbox.accept("new-dm", dm("a"));
    outbox.accept("gone", dm("b"));
    outbox.accept("dup", topic("ops", "c"));
    outbox.accept("busy", topic("ops", "d"));
    startDrain(16);
    await("all settled", () -> drain.sendCount(DestinationKind.DM, DrainWorker.SendOutcome.ACCEPTED) == 1
        && drain.sendCount(DestinationKind.DM, DrainWorker.SendOutcome.DEAD) == 1
        && drain.sendCount(DestinationKind.TOPIC, DrainWorker.SendOutcome.DUPLICATE) == 1
        && drain.sendCount(DestinationKind.TOPIC, DrainWorker.SendOutcome.RETRY) >= 1);
    assertEquals(0, drain.sendCount(DestinationKind.TOPIC, DrainWorker.SendOutcome.ACCEPTED));
    assertEquals(0, drain.sendCount(DestinationKind.DM, DrainWorker.SendOutcome.RETRY));
    assertEquals(0, drain.sendCount(DestinationKind.QUEUE, DrainWorker.SendOutcome.DEAD));
  }

  @Test
  void transportFailureRetriesWithBackoffAndResendsTheSameSealedBytes() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    link.responder = f -> {
      if (calls.incrementAndGet() == 1) {
        throw new IllegalStateException("connection reset");
      }
      return FakeLink.accepted(f, 201);
    };
    outbox.accept("r1", dm("same bytes"));
    startDrain(16);
    await("retry", () -> drain.retryCount() == 1);
    OutboxRow pending = outbox.find("r1").orElseThrow();
    assertEquals(OutboxStatus.PENDING, pending.status());
    assertTrue(pending.nextAttemptAt().isAfter(clock.instant()), "backoff puts the next try in the future");
    Thread.sleep(300);
    assertEquals(1, link.sent.size(), "not re-sent before the backoff elapses");
    clock.advance(Duration.ofSeconds(31));
    drain.wake();
    await("done", statusIs("r1", OutboxStatus.DONE));
    assertEquals(2, link.sent.size());
    assertEquals(link.sent.get(0).nonce(), link.sent.get(1).nonce());
    assertEquals(link.sent.get(0).ciphertext(), link.sent.get(1).ciphertext());
  }

  @Test
  void manySendsAreInFlightBeforeAnyAck() throws Exception {
    link.responder = null; // hold every ack
    for (int i = 0; i < 100; i++) {
      outbox.accept("p" + i, topic("ops", "m" + i));
    }
    startDrain(256);
    await("100 in flight", () -> link.pending.size() == 100);
    assertEquals(100, drain.inflight());
    // answer in reverse order: each future gets its own ack
    for (int i = 99; i >= 0; i--) {
      String id = "p" + i;
      link.pending.get(id).complete(
          new Ack(id, 201, id, "b-" + id, "b-" + id, "h", false, true, 1L, false, null, null, null));
    }
    for (int i = 0; i < 100; i++) {
      await("p" + i, statusIs("p" + i, OutboxStatus.DONE));
      assertEquals("b-p" + i, outbox.find("p" + i).orElseThrow().brokerMessageId().orElseThrow());
    }
    await("settled", () -> drain.inflight() == 0);
  }

  @Test
  void inflightIsBoundedByMaxInflight() throws Exception {
    link.responder = null;
    for (int i = 0; i < 20; i++) {
      outbox.accept("b" + i, topic("ops", "m" + i));
    }
    startDrain(5);
    await("5 in flight", () -> link.pending.size() == 5);
    Thread.sleep(300);
    assertEquals(5, link.pending.size(), "never more than maxInflight outstanding");
    link.pending.get("b0").complete(new Ack("b0", 201, "b0", "x", "x", "h", false, true, 1L, false, null, null, null));
    await("one more", () -> link.pending.size() == 6);
  }

  @Test
  void nothingIsClaimedWhileTheLinkIsDownAndAcceptWakesTheWorker() throws Exception {
    link.connected = false;
    startDrain(16);
    outbox.accept("w1", topic("ops", "x"));
    drain.wake();
    Thread.sleep(300);
    assertTrue(link.sent.isEmpty());
    assertEquals(OutboxStatus.PENDING, status("w1"));
    link.connected = true;
    drain.wake();
    await("done", statusIs("w1", OutboxStatus.DONE));
  }

  @Test
  void queueDestinationIsDeadNotRetried() throws Exception {
    outbox.accept("q1", FingerprintRequest.builder().destinationKind(DestinationKind.QUEUE)
        .destinationRef("jobs").body("x").build());
    startDrain(16);
    await("dead", statusIs("q1", OutboxStatus.DEAD));
    assertTrue(link.sent.isEmpty());
  }

  @Test
  void stopLeavesNoDrainThreads() throws Exception {
    startDrain(16);
    outbox.accept("s1", topic("ops", "x"));
    drain.wake();
    await("done", statusIs("s1", OutboxStatus.DONE));
    drain.close();
    drain = null;
    await("threads gone", () -> Thread.getAllStackTraces().keySet().stream()
        .noneMatch(t -> t.getName().startsWith("claudemesh-drain") && t.isAlive()));
    assertFalse(link.sent.isEmpty());
    assertNotNull(outbox.find("s1").orElseThrow().deliveredAt().orElse(null));
  }
}
