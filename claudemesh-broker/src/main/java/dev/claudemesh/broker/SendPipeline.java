package dev.claudemesh.broker;

import dev.claudemesh.broker.store.AcceptOutcome;
import dev.claudemesh.broker.store.BrokerStore;
import dev.claudemesh.broker.store.DedupeRecord;
import dev.claudemesh.broker.store.Member;
import dev.claudemesh.broker.store.SendCommand;
import dev.claudemesh.broker.store.StoredMessage;
import dev.claudemesh.core.jcs.Jcs;
import dev.claudemesh.core.protocol.Ack;
import dev.claudemesh.core.protocol.SendFrame;
import dev.claudemesh.core.protocol.Target;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accept phases of SPEC §8.1 for one {@code send}: B0 (dedupe fast path, a read), B1
 * (pre-claim checks without side effects, rate limit last), then B2+B3 as one store transaction,
 * then the ack and the live pushes. A dedupe row exists iff B3 committed.
 */
final class SendPipeline {
  private static final Logger log = LoggerFactory.getLogger(SendPipeline.class);
  static final String IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused";

  private final Hub hub;
  private final Settings settings;
  private final BrokerStore store;
  private final BrokerMetrics metrics;
  private final RateLimiter limiter;
  /** Test seam: runs after B1 passed and before B2 starts. */
  volatile @Nullable BiConsumer<Member, SendFrame> betweenB1AndB2;
  volatile FaultInjection faults = FaultInjection.NONE;

  SendPipeline(Hub hub, Settings settings, BrokerStore store, BrokerMetrics metrics) {
    this.hub = hub;
    this.settings = settings;
    this.store = store;
    this.metrics = metrics;
    this.limiter = new RateLimiter(settings.rateLimit(), settings.rateWindow().toMillis(), settings.clock());
  }

  void pruneRateWindows() {
    limiter.prune();
  }

  void handle(Connection c, SendFrame send) {
    Member sender = c.memberOrThrow();
    String cmid = send.clientMessageId();
    byte[] fingerprint = null;
    if (cmid != null) {
      fingerprint = send.requestFingerprint() != null
          ? HexFormat.of().parseHex(send.requestFingerprint())
          : envelopeFingerprint(send);
      // B0: a committed id answers from its row, before any budget is spent
      Optional<DedupeRecord> row;
      try {
        row = store.findDedupe(sender.meshId(), sender.id(), cmid);
      } catch (IOException e) {
        reply(c, storeFailure(send, e));
        return;
      }
      if (row.isPresent()) {
        reply(c, existing(send, row.get(), fingerprint));
        return;
      }
    }
    // B1: no side effects but the rate limiter's own (idempotent) count
    Ack refused = preClaim(c, sender, send);
    if (refused != null) {
      reply(c, refused);
      return;
    }
    BiConsumer<Member, SendFrame> seam = betweenB1AndB2;
    if (seam != null) {
      seam.accept(sender, send);
    }
    // B2 + B3: one transaction in the store
    long now = hub.now();
    String target = send.targetSpec();
    String kind = send.destinationKind() != null ? send.destinationKind() : Target.isDirect(target) ? "dm" : "topic";
    String ref = send.destinationRef() != null ? send.destinationRef()
        : Target.isTopic(target) ? Target.topicName(target) : target;
    String metaJson = send.meta() == null ? null : Jcs.canonicalizeValue(send.meta());
    Long expiresAt = cmid == null || settings.permanentDedupe() ? null
        : now + settings.dedupeRetentionDays() * 86_400_000L;
    SendCommand command = new SendCommand(sender.meshId(), sender.id(), sender.pubkey(), c.senderPubkey(),
        c.shownName(), cmid, fingerprint, kind, ref, target, send.priority(), send.nonce(), send.ciphertext(),
        send.replyToId(), metaJson, now, expiresAt, now + settings.deliveryLease().toMillis(), hub::leaseOwner);
    byte[] presented = fingerprint;
    store.acceptSend(command).whenComplete((outcome, failure) -> {
      if (failure != null) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause() : failure;
        reply(c, storeFailure(send, cause));
        return;
      }
      if (outcome instanceof AcceptOutcome.Accepted) {
        accepted(c, send, command, (AcceptOutcome.Accepted) outcome);
      } else if (outcome instanceof AcceptOutcome.Existing) {
        reply(c, existing(send, ((AcceptOutcome.Existing) outcome).row(), presented));
      } else if (outcome instanceof AcceptOutcome.TopicNotFound) {
        reply(c, rejected(send, 404, "topic_not_found",
            "no topic '" + ((AcceptOutcome.TopicNotFound) outcome).topic() + "' in this mesh", true));
      } else {
        reply(c, rejected(send, 404, "recipient_not_found", "the recipient is not an active member of this mesh",
            true));
      }
    });
  }

  private @Nullable Ack preClaim(Connection c, Member sender, SendFrame send) {
    if (c.revoked || !c.isOpen()) {
      return rejected(send, 403, "not_a_member", "the sender is no longer an active member", true);
    }
    String target = send.targetSpec();
    String kind = send.destinationKind();
    if ("queue".equals(kind)) {
      return rejected(send, 400, "destination_kind_unsupported", "this broker has no queues", true);
    }
    if (kind != null && ((Target.isDirect(target) && !kind.equals("dm"))
        || (Target.isTopic(target) && !kind.equals("topic")))) {
      return rejected(send, 400, "destination_mismatch",
          "destination_kind " + kind + " does not match the targetSpec", true);
    }
    long bytes = base64Bytes(send.ciphertext());
    if (bytes > settings.inlineBytes()) {
      return rejected(send, 413, "payload_too_large",
          "payload of " + bytes + " bytes exceeds inline_bytes " + settings.inlineBytes(), true);
    }
    if (!limiter.tryAcquire(sender.meshId(), sender.id(), send.clientMessageId())) {
      metrics.rateLimitRejections.inc();
      return rejected(send, 429, "rate_limited", "more than " + settings.rateLimit() + " sends per "
          + settings.rateWindow().toSeconds() + " s; retry later", false);
    }
    return null;
  }

  private void accepted(Connection c, SendFrame send, SendCommand cmd, AcceptOutcome.Accepted accepted) {
    boolean queued = false;
    for (AcceptOutcome.NewDelivery d : accepted.deliveries()) {
      queued |= d.leaseOwner() == null;
    }
    boolean dropBeforeAck = faults.dropConnectionBeforeAck(cmd.senderMemberId(), send);
    if (!dropBeforeAck) {
      reply(c, new Ack(send.id(), 201, send.clientMessageId(), accepted.brokerMessageId(),
          accepted.brokerMessageId(), accepted.historyId(), false, true, accepted.firstSeenAt(), queued, null, null,
          null));
    }
    StoredMessage message = new StoredMessage(accepted.brokerMessageId(), cmd.meshId(), cmd.senderMemberId(),
        cmd.senderMemberPubkey(), cmd.senderPubkey(), cmd.senderName(), cmd.targetSpec(),
        Target.isTopic(cmd.targetSpec()) ? Target.topicName(cmd.targetSpec())
            : Target.isBroadcast(cmd.targetSpec()) ? Target.BROADCAST : null, cmd.priority(), cmd.nonce(),
        cmd.ciphertext(), cmd.replyToId(), cmd.metaJson(), cmd.clientMessageId(), cmd.now());
    for (AcceptOutcome.NewDelivery d : accepted.deliveries()) {
      String owner = d.leaseOwner();
      Connection to = owner == null ? null : hub.connection(owner);
      if (to != null) {
        hub.push(to, d.deliveryId(), message, "message");
      }
    }
    if (dropBeforeAck) {
      c.disconnect(); // committed, pushed, never acknowledged
    }
  }

  /** B0 or B2 found a row: the same request is a duplicate, another one a conflict. */
  private Ack existing(SendFrame send, DedupeRecord row, byte[] presented) {
    if (row.matches(presented)) {
      return new Ack(send.id(), 200, send.clientMessageId(), row.brokerMessageId(), row.brokerMessageId(),
          row.historyId(), true, row.historyAvailable(), row.firstSeenAt(), false, null, null, null);
    }
    metrics.fingerprintMismatch.inc();
    log.info("send {} reuses client_message_id {} of member {} with a different request (stored prefix {})",
        send.id(), send.clientMessageId(), row.senderMemberId(), row.fingerprintPrefixHex());
    return new Ack(send.id(), 409, send.clientMessageId(), null, null, null, false, false, null, false,
        IDEMPOTENCY_KEY_REUSED, row.fingerprintPrefixHex(),
        new Ack.Error(IDEMPOTENCY_KEY_REUSED,
            "client_message_id was already accepted for a different request", true));
  }

  private static Ack rejected(SendFrame send, int status, String code, String message, boolean permanent) {
    return new Ack(send.id(), status, send.clientMessageId(), null, null, null, false, false, null, false, null,
        null, new Ack.Error(code, message, permanent));
  }

  private Ack storeFailure(SendFrame send, Throwable cause) {
    log.warn("send {} failed in the store: {}", send.id(), cause.toString());
    return rejected(send, 503, "store_unavailable", "the broker store failed; retry later", false);
  }

  private void reply(Connection c, Ack ack) {
    metrics.sends.labelValues(Integer.toString(ack.status())).inc();
    c.send(ack);
  }

  /** Decoded size of standard padded base64 without decoding it. */
  static long base64Bytes(String base64) {
    int n = base64.length();
    int padding = n >= 2 && base64.charAt(n - 2) == '=' ? 2 : n >= 1 && base64.charAt(n - 1) == '=' ? 1 : 0;
    return (long) n / 4 * 3 - padding;
  }

  /**
   * The fingerprint of a keyed send that presents none (an original claudemesh peer): SHA-256 of
   * the JCS form of its envelope {@code {targetSpec, nonce, ciphertext, priority, replyToId,
   * meta}}, absent members left out. A retry of the same envelope matches; any change conflicts.
   */
  static byte[] envelopeFingerprint(SendFrame send) {
    Map<String, @Nullable Object> envelope = new LinkedHashMap<>();
    envelope.put("targetSpec", send.targetSpec());
    if (send.nonce() != null) {
      envelope.put("nonce", send.nonce());
    }
    envelope.put("ciphertext", send.ciphertext());
    envelope.put("priority", send.priority());
    if (send.replyToId() != null) {
      envelope.put("replyToId", send.replyToId());
    }
    if (send.meta() != null) {
      envelope.put("meta", send.meta());
    }
    try {
      return MessageDigest.getInstance("SHA-256")
          .digest(Jcs.canonicalizeValue(envelope).getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
