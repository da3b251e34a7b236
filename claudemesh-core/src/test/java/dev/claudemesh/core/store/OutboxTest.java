package dev.claudemesh.core.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.core.CapturedLogs;
import dev.claudemesh.core.crypto.Box;
import dev.claudemesh.core.crypto.Ed25519SigningKey;
import dev.claudemesh.core.crypto.SealedEnvelope;
import dev.claudemesh.core.fingerprint.DestinationKind;
import dev.claudemesh.core.fingerprint.FingerprintRequest;
import dev.claudemesh.core.fingerprint.RequestFingerprint;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OutboxTest {
  @TempDir Path dir;

  private static FingerprintRequest topic(String body) {
    return FingerprintRequest.builder().destinationKind(DestinationKind.TOPIC).destinationRef("ops").body(body).build();
  }

  private static final class TestClock extends Clock {
    Instant now = Instant.parse("2026-11-22T09:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void oldestAgeIsTheWaitOfTheOldestRowInTheGivenStatesAndZeroWithoutOne() throws IOException {
    TestClock clock = new TestClock();
    java.util.Set<OutboxStatus> unsent = java.util.EnumSet.of(OutboxStatus.PENDING, OutboxStatus.INFLIGHT);
    java.util.Set<OutboxStatus> pending = java.util.EnumSet.of(OutboxStatus.PENDING);
    try (Outbox outbox = Outbox.builder(dir).clock(clock).open()) {
      assertEquals(Duration.ZERO, outbox.oldestAge(unsent), "empty outbox");
      outbox.accept("old", topic("a"));
      clock.now = clock.now.plusSeconds(30);
      outbox.accept("young", topic("b"));
      clock.now = clock.now.plusSeconds(12);
      assertEquals(Duration.ofSeconds(42), outbox.oldestAge(unsent));
      assertEquals(List.of("old"), ids(outbox.claimDue(1)));
      assertEquals(Duration.ofSeconds(42), outbox.oldestAge(unsent), "inflight still counts as unsent");
      assertEquals(Duration.ofSeconds(12), outbox.oldestAge(pending), "only the young row is pending");
      assertTrue(outbox.markDone("old", "b1", "h1", true));
      assertEquals(Duration.ofSeconds(12), outbox.oldestAge(unsent), "done rows do not count");
      assertEquals(Duration.ZERO, outbox.oldestAge(java.util.Set.of()));
      clock.now = clock.now.minusSeconds(3600);
      assertEquals(Duration.ZERO, outbox.oldestAge(unsent), "a clock behind enqueued_at is no negative age");
    }
  }

  @Test
  void filesHaveTheirModesAndTheSchemaVersionIsRecorded() throws IOException {
    try (Outbox outbox = Outbox.builder(dir).open()) {
      outbox.accept("a", topic("x"));
      for (String name : List.of("outbox.db", "outbox.db-wal", "outbox.db-shm")) {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(name))), name);
      }
      assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("schema_version"))));
      assertEquals("1", Files.readString(dir.resolve("schema_version")).trim());
    }
  }

  @Test
  void aNewerSchemaRefusesToOpen() throws IOException {
    Files.writeString(dir.resolve("schema_version"), "2\n");
    IOException e = assertThrows(IOException.class, () -> Outbox.builder(dir).open());
    assertEquals("schema_version has schema_version 2, newer than this claudemesh supports (1); upgrade claudemesh to open it",
        e.getMessage());
  }

  @Test
  void aCorruptOutboxRefusesToOpenNamingTheRecoveryCommand() throws IOException {
    try (Outbox outbox = Outbox.builder(dir).open()) {
      for (int i = 0; i < 500; i++) {
        outbox.accept("id-" + i, topic("body " + "x".repeat(200) + i));
      }
    }
    try (RandomAccessFile file = new RandomAccessFile(dir.resolve("outbox.db").toFile(), "rw")) {
      for (long page = 2; page * 4096 < file.length(); page += 3) {
        file.seek(page * 4096 + 100);
        file.write("garbage that breaks b-tree pages".getBytes(UTF_8));
      }
    }
    OutboxCorruptException e = assertThrows(OutboxCorruptException.class, () -> Outbox.builder(dir).open());
    assertTrue(e.getMessage().startsWith("outbox.db failed its integrity check ("), e.getMessage());
    assertTrue(e.getMessage().endsWith("Run `claudemesh daemon recover`"), e.getMessage());
    assertTrue(Files.exists(dir.resolve("outbox.db")), "a corrupt outbox is never moved or replaced");

    Files.write(dir.resolve("outbox.db"), "not a database at all, just text".repeat(200).getBytes(UTF_8));
    Files.deleteIfExists(dir.resolve("outbox.db-wal"));
    Files.deleteIfExists(dir.resolve("outbox.db-shm"));
    assertThrows(OutboxCorruptException.class, () -> Outbox.builder(dir).open());
  }

  @Test
  void drainTransitionsFollowTheStateMachine() throws IOException {
    TestClock clock = new TestClock();
    try (Outbox outbox = Outbox.builder(dir).clock(clock).open()) {
      outbox.accept("a", topic("1"));
      outbox.accept("b", topic("2"));
      outbox.accept("c", topic("3"));
      assertEquals(List.of("a", "b", "c"), ids(outbox.claimDue(10)));
      assertTrue(outbox.claimDue(10).isEmpty(), "inflight rows are not claimed twice");

      assertTrue(outbox.markRetry("a", "broker 503"));
      OutboxRow a = outbox.find("a").orElseThrow();
      assertEquals(OutboxStatus.PENDING, a.status());
      assertEquals(1, a.attempts());
      long delay = a.nextAttemptAt().toEpochMilli() - clock.now.toEpochMilli();
      assertTrue(delay >= 500 && delay <= 1000, "first backoff is 0.5-1 s, was " + delay);
      assertTrue(outbox.claimDue(10).isEmpty(), "not due yet");
      clock.now = clock.now.plusSeconds(1);
      assertEquals(List.of("a"), ids(outbox.claimDue(10)));

      assertTrue(outbox.markDone("b", "bm-1", "h-1", false));
      assertFalse(outbox.markDone("b", "bm-1", "h-1", true), "done is final");
      assertFalse(CapturedLogs.linesContaining("outbox b: broker reports a duplicate whose history").isEmpty());
      assertTrue(outbox.markDead("c", "idempotency_key_reused"));
      assertFalse(outbox.markRetry("c", "late"), "dead is final");
      assertEquals(Map.of(OutboxStatus.PENDING, 0L, OutboxStatus.INFLIGHT, 1L, OutboxStatus.DONE, 1L,
          OutboxStatus.DEAD, 1L, OutboxStatus.ABORTED, 0L), outbox.depth());
    }
  }

  @Test
  void backoffGrowsExponentiallyWithJitterUpToThirtySeconds() {
    for (int attempts = 1; attempts <= 40; attempts++) {
      long ceiling = Math.min(30_000, 1000L << Math.min(attempts - 1, 20));
      for (int i = 0; i < 50; i++) {
        long ms = Outbox.backoff(attempts).toMillis();
        assertTrue(ms >= ceiling / 2 && ms <= ceiling, attempts + " -> " + ms);
      }
    }
  }

  @Test
  void oldRowsExpireToDead() throws IOException {
    TestClock clock = new TestClock();
    try (Outbox outbox = Outbox.builder(dir).clock(clock).open()) {
      outbox.accept("inflight-old", topic("1"));
      outbox.accept("old", topic("2"));
      assertEquals("inflight-old", outbox.claimDue(1).get(0).clientMessageId());
      clock.now = clock.now.plus(Duration.ofHours(71));
      outbox.accept("young", topic("3"));
      clock.now = clock.now.plus(Duration.ofHours(2));
      assertEquals(1, outbox.expire(Duration.ofHours(72)));
      assertEquals("max_age_exceeded", outbox.find("old").orElseThrow().lastError().orElseThrow());
      assertEquals(OutboxStatus.DEAD, outbox.find("old").orElseThrow().status());
      assertEquals(OutboxStatus.INFLIGHT, outbox.find("inflight-old").orElseThrow().status(),
          "a send on the wire is settled by its ack, not by the sweep");
      assertEquals(OutboxStatus.PENDING, outbox.find("young").orElseThrow().status());
      outbox.markRetry("inflight-old", "timeout");
      assertEquals(1, outbox.expire(Duration.ofHours(72)));
      assertEquals(OutboxStatus.DEAD, outbox.find("inflight-old").orElseThrow().status());
    }
  }

  @ParameterizedTest(name = "N={0} days -> {1} h")
  @CsvSource({"3, 71", "4, 72", "5, 96", "7, 144", "10, 216", "14, 302", "30, 648", "365, 7884"})
  void maxAgeForRetentionScopedBrokers(long days, long hours) {
    assertEquals(Duration.ofHours(hours), MaxAge.retentionScoped(days, OptionalLong.empty()));
  }

  @Test
  void maxAgeOverridesAndPermanentMode() {
    assertEquals(Duration.ofHours(71), MaxAge.retentionScoped(3, OptionalLong.of(71)));
    MaxAge.AboveDedupeWindowException e = assertThrows(MaxAge.AboveDedupeWindowException.class,
        () -> MaxAge.retentionScoped(3, OptionalLong.of(72)));
    assertEquals("outbox_max_age_above_dedupe_window: [outbox] max_age_hours_override = 72 is above the broker's"
        + " dedupe window less one hour (71)", e.getMessage());
    assertEquals("dedupe_retention_days 2 is below the floor of 3",
        assertThrows(IllegalArgumentException.class, () -> MaxAge.retentionScoped(2, OptionalLong.empty())).getMessage());
    assertEquals(Duration.ofHours(168), MaxAge.permanent(OptionalLong.empty()));
    assertEquals(Duration.ofHours(720), MaxAge.permanent(OptionalLong.of(10_000)));
    assertEquals(Duration.ofHours(5), MaxAge.permanent(OptionalLong.of(5)));
  }

  @Test
  void requeueAbortsTheOldRowAndChainsANewOne() throws IOException {
    try (Outbox outbox = Outbox.builder(dir).open()) {
      outbox.accept("first", topic("v1"));
      outbox.claimDue(1);
      outbox.markDead("first", "rejected");
      OutboxRow second = outbox.requeue("first", null, topic("v2 patched"), "operator");
      assertEquals(OutboxStatus.PENDING, second.status());
      assertEquals(26, second.clientMessageId().length(), "auto mints a ULID");
      assertEquals(RequestFingerprint.of(topic("v2 patched")), second.fingerprint());
      OutboxRow first = outbox.find("first").orElseThrow();
      assertEquals(OutboxStatus.ABORTED, first.status());
      assertEquals("operator", first.abortedBy().orElseThrow());
      assertEquals(second.clientMessageId(), first.supersededBy().orElseThrow());

      OutboxRow third = outbox.requeue(second.clientMessageId(), "third", null, "operator");
      assertEquals(second.fingerprint(), third.fingerprint(), "same payload keeps the request");
      assertEquals(List.of("first", second.clientMessageId(), "third"), ids(outbox.inspect(second.clientMessageId())));
      assertEquals(List.of("first", second.clientMessageId(), "third"), ids(outbox.inspect("first")));

      OutboxException aborted = assertThrows(OutboxException.class, () -> outbox.requeue("first", null, null, "op"));
      assertEquals(OutboxException.NOT_REQUEUEABLE, aborted.code());
      assertEquals("outbox row first is aborted; only dead and pending rows can be requeued", aborted.getMessage());
      assertEquals(OutboxException.ID_CONSUMED,
          assertThrows(OutboxException.class, () -> outbox.requeue("third", "first", null, "op")).code());
      outbox.accept("busy", topic("x"));
      outbox.claimDue(10);
      assertEquals(OutboxException.NOT_REQUEUEABLE,
          assertThrows(OutboxException.class, () -> outbox.requeue("busy", null, null, "op")).code());
      assertEquals(OutboxException.NOT_FOUND,
          assertThrows(OutboxException.class, () -> outbox.requeue("nope", null, null, "op")).code());
      assertEquals(OutboxStatus.INFLIGHT, outbox.find("busy").orElseThrow().status(), "a refused requeue changes nothing");
      assertEquals(2, outbox.inspect("third").stream().filter(r -> r.status() == OutboxStatus.ABORTED).count());
    }
  }

  @Test
  void aDmIsSealedOnceAndTheFirstEnvelopeIsKept() throws IOException {
    Ed25519SigningKey me = Ed25519SigningKey.generate();
    Ed25519SigningKey peer = Ed25519SigningKey.generate();
    FingerprintRequest dm = FingerprintRequest.builder().destinationKind(DestinationKind.DM)
        .destinationRef(peer.publicKey().hex()).body("secret").build();
    try (Outbox outbox = Outbox.builder(dir).open()) {
      outbox.accept("dm-1", dm);
      SealedEnvelope first = Box.seal("secret".getBytes(UTF_8), peer.publicKey().toX25519(), me.toX25519());
      SealedEnvelope second = Box.seal("secret".getBytes(UTF_8), peer.publicKey().toX25519(), me.toX25519());
      assertEquals(first, outbox.saveSealed("dm-1", first));
      assertEquals(first, outbox.saveSealed("dm-1", second), "a retry reuses the stored envelope");
      assertEquals(first, outbox.claimDue(1).get(0).sealed().orElseThrow());
    }
  }

  @Test
  void diskPressureRefusesNewSendsButStillAnswersKnownIds() throws IOException {
    List<DiskPressure.Level> levels = new ArrayList<>();
    AtomicReference<DiskPressure> last = new AtomicReference<>();
    try (Outbox outbox = Outbox.builder(dir).maxBytes(400_000).pressureListener(p -> {
      levels.add(p.level());
      last.set(p);
    }).open()) {
      outbox.accept("early", topic("e"));
      int accepted = 0;
      AcceptResult result;
      do {
        result = outbox.accept("fill-" + accepted, topic("y".repeat(4000) + accepted));
        accepted++;
      } while (result.kind() == AcceptResult.Kind.QUEUED && accepted < 10_000);
      assertEquals(AcceptResult.Kind.INSUFFICIENT_STORAGE, result.kind());
      assertEquals(507, result.httpStatus());
      assertEquals("insufficient_storage", result.error().orElseThrow());
      assertTrue(outbox.find(result.clientMessageId()).isEmpty(), "a refused send writes nothing");
      assertEquals(AcceptResult.Kind.PENDING_MATCH, outbox.accept("early", topic("e")).kind());
      assertTrue(levels.stream().anyMatch(l -> l.compareTo(DiskPressure.Level.HIGH) >= 0), levels.toString());
      assertTrue(last.get().percent() >= 95, last.get().toString());
    }
  }

  @Test
  void rowsNeverShowTheirBody() throws IOException {
    try (Outbox outbox = Outbox.builder(dir).open()) {
      outbox.accept("s", topic(CapturedLogs.rememberSecret("a message body nobody may log")));
      assertFalse(outbox.find("s").orElseThrow().toString().contains("message body"));
    }
  }

  @Test
  void invalidIdsAreRefusedBeforeAnythingIsWritten() throws IOException {
    try (Outbox outbox = Outbox.builder(dir).open()) {
      assertEquals("client_message_id must be 1 to 128 characters, got 129",
          assertThrows(IllegalArgumentException.class, () -> outbox.accept("x".repeat(129), topic("b"))).getMessage());
      assertEquals("client_message_id must be printable ASCII; character 1 is not",
          assertThrows(IllegalArgumentException.class, () -> outbox.accept("a\u00e9", topic("b"))).getMessage());
      assertEquals(0L, outbox.depth().values().stream().mapToLong(Long::longValue).sum());
    }
    assertEquals("Idempotency-Key must be 1 to 128 characters, got 0",
        assertThrows(IllegalArgumentException.class, () -> ClientMessageIds.resolve("", "body-id")).getMessage());
    assertEquals("body-id", ClientMessageIds.resolve(null, "body-id"));
    assertEquals("header", ClientMessageIds.resolve("header", "body-id"));
    assertEquals(26, ClientMessageIds.resolve(null, null).length());
  }

  private static List<String> ids(List<OutboxRow> rows) {
    List<String> ids = new ArrayList<>();
    rows.forEach(r -> ids.add(r.clientMessageId()));
    return ids;
  }
}
