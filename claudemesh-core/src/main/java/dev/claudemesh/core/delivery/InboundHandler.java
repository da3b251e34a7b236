package dev.claudemesh.core.delivery;

import dev.claudemesh.core.broker.BrokerLink;
import dev.claudemesh.core.crypto.DecryptionFailedException;
import dev.claudemesh.core.crypto.Ed25519PublicKey;
import dev.claudemesh.core.crypto.SealedEnvelope;
import dev.claudemesh.core.crypto.X25519PublicKey;
import dev.claudemesh.core.events.EventBus;
import dev.claudemesh.core.events.EventKinds;
import dev.claudemesh.core.fingerprint.DestinationKind;
import dev.claudemesh.core.identity.DmKeyRing;
import dev.claudemesh.core.jcs.Jcs;
import dev.claudemesh.core.protocol.ClientAck;
import dev.claudemesh.core.protocol.Push;
import dev.claudemesh.core.store.Inbox;
import dev.claudemesh.core.store.InboxMessage;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns pushes into inbox rows and events (SPEC §5): a DM is opened with the current key, then
 * archived keys; a topic v1 body is base64 of UTF-8. The row is committed before anything else
 * happens; then {@code client_ack}; then, only for a new row, the {@code message} event. A
 * duplicate delivery is acknowledged again and publishes nothing.
 *
 * <p>A DM that cannot be opened is not stored: it emits {@code decrypt_failed}, is counted, and is
 * acknowledged, because redelivering ciphertext this peer cannot open would only repeat the
 * failure every lease period (the broker keeps its copy). A failed inbox commit is not
 * acknowledged, so the broker redelivers.
 *
 * <p>Calls come from the connection's dispatch thread in arrival order; inbox writes are queued
 * without waiting (they share group commits) and completions run in the same order.
 */
public final class InboundHandler {
  private static final Logger log = LoggerFactory.getLogger(InboundHandler.class);

  private final Inbox inbox;
  private final BrokerLink link;
  private final DmKeyRing keyRing;
  private final EventBus events;
  private final Clock clock;

  private static final int SENDER_KEY_CACHE = 1024;
  private final java.util.concurrent.ConcurrentHashMap<String, X25519PublicKey> senderKeys =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final AtomicLong received = new AtomicLong();
  private final AtomicLong receivedDm = new AtomicLong();
  private final AtomicLong receivedTopic = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong decryptFailed = new AtomicLong();
  private final AtomicLong invalid = new AtomicLong();
  private final AtomicLong commitFailed = new AtomicLong();

  public InboundHandler(Inbox inbox, BrokerLink link, DmKeyRing keyRing, EventBus events, Clock clock) {
    this.inbox = Objects.requireNonNull(inbox, "inbox == null");
    this.link = Objects.requireNonNull(link, "link == null");
    this.keyRing = Objects.requireNonNull(keyRing, "keyRing == null");
    this.events = Objects.requireNonNull(events, "events == null");
    this.clock = Objects.requireNonNull(clock, "clock == null");
  }

  /**
   * Handles one push. Returns a future that completes when the push is settled (stored and
   * acknowledged, or dropped); it never completes exceptionally.
   */
  public CompletableFuture<Void> onPush(Push push) {
    if (push.isSystem()) {
      onSystem(push);
      return CompletableFuture.completedFuture(null);
    }
    String body;
    try {
      body = push.topic() == null ? openDirect(push) : openTopic(push);
    } catch (DecryptionFailedException e) {
      decryptFailed.incrementAndGet();
      log.warn("push {} from {}: DM did not decrypt with the current or archived keys; not stored",
          push.messageId(), push.senderMemberId());
      Map<String, @Nullable Object> data = base(push);
      data.put("reason", "decrypt_failed");
      events.publish(EventKinds.DECRYPT_FAILED, data);
      ack(push);
      return CompletableFuture.completedFuture(null);
    } catch (CharacterCodingException | IllegalArgumentException e) {
      invalid.incrementAndGet();
      log.warn("push {} from {}: body is not valid UTF-8 or base64; dropped", push.messageId(), push.senderMemberId());
      ack(push);
      return CompletableFuture.completedFuture(null);
    }
    InboxMessage message = InboxMessage.builder()
        .clientMessageId(push.clientMessageId() != null ? push.clientMessageId() : push.messageId())
        .mesh(push.meshId())
        .senderMemberId(push.senderMemberId())
        .brokerMessageId(push.messageId())
        .topic(push.topic())
        .senderPubkey(push.senderMemberPubkey())
        .senderName(push.senderName())
        .body(body)
        .meta(push.meta() == null ? null : Jcs.canonicalizeValue(push.meta()))
        .priority(push.priority())
        .receivedAt(clock.instant())
        .replyToId(push.replyToId())
        .build();
    return inbox.insertIfNewAsync(message).handle((result, failure) -> {
      if (failure != null) {
        commitFailed.incrementAndGet();
        log.warn("push {}: inbox commit failed, not acknowledged (the broker will redeliver): {}",
            push.messageId(), failure.getMessage());
        return null;
      }
      ack(push);
      if (result.inserted()) {
        received.incrementAndGet();
        (push.topic() == null ? receivedDm : receivedTopic).incrementAndGet();
        events.publish(EventKinds.MESSAGE, messageData(push, result.message()));
      } else {
        duplicates.incrementAndGet();
      }
      return null;
    });
  }

  private String openDirect(Push push) throws DecryptionFailedException, CharacterCodingException {
    SealedEnvelope envelope = SealedEnvelope.fromBase64(
        Objects.requireNonNull(push.nonce(), "nonce"), Objects.requireNonNull(push.ciphertext(), "ciphertext"));
    DmKeyRing.Opened opened = keyRing.open(envelope, senderBoxKey(push.senderPubkey()));
    return strictUtf8(opened.plaintext());
  }

  /** The X25519 form of a sender's ed25519 key; converted once per sender, not once per DM. */
  private X25519PublicKey senderBoxKey(String senderPubkeyHex) {
    X25519PublicKey key = senderKeys.get(senderPubkeyHex);
    if (key == null) {
      key = Ed25519PublicKey.fromHex(senderPubkeyHex).toX25519();
      if (senderKeys.size() >= SENDER_KEY_CACHE) {
        senderKeys.clear();
      }
      senderKeys.put(senderPubkeyHex, key);
    }
    return key;
  }

  private static String openTopic(Push push) throws CharacterCodingException {
    return strictUtf8(Base64.getDecoder().decode(Objects.requireNonNull(push.ciphertext(), "ciphertext")));
  }

  private static String strictUtf8(byte[] bytes) throws CharacterCodingException {
    return StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes))
        .toString();
  }

  private void ack(Push push) {
    link.clientAck(new ClientAck(push.deliveryId(), push.clientMessageId(), push.messageId()));
  }

  private void onSystem(Push push) {
    String event = push.event();
    Map<String, @Nullable Object> data = new LinkedHashMap<>();
    data.put("ts", clock.millis());
    if (push.eventData() != null) {
      data.putAll(push.eventData());
    }
    if ("peer_joined".equals(event)) {
      events.publish(EventKinds.PEER_JOIN, data);
    } else if ("peer_left".equals(event)) {
      events.publish(EventKinds.PEER_LEAVE, data);
    } else {
      log.debug("system push {} ignored", event);
    }
  }

  private Map<String, @Nullable Object> base(Push push) {
    Map<String, @Nullable Object> data = new LinkedHashMap<>();
    data.put("ts", clock.millis());
    data.put("broker_message_id", push.messageId());
    data.put("client_message_id", push.clientMessageId());
    data.put("from", push.senderMemberPubkey());
    data.put("sender_name", push.senderName());
    data.put("sender_member_id", push.senderMemberId());
    return data;
  }

  private Map<String, @Nullable Object> messageData(Push push, InboxMessage stored) {
    Map<String, @Nullable Object> data = base(push);
    data.put("id", stored.id().orElse(null));
    data.put("client_message_id", stored.clientMessageId());
    data.put("topic", push.topic());
    data.put("body", stored.body().orElse(null));
    data.put("meta", push.meta());
    data.put("priority", push.priority());
    data.put("reply_to_id", push.replyToId());
    data.put("received_at", stored.receivedAt().toEpochMilli());
    data.put("kind", push.topic() == null ? "dm" : "topic");
    return data;
  }

  /** New rows stored ({@code cm_daemon_recv_total}). */
  public long receivedCount() {
    return received.get();
  }

  /**
   * New rows stored of one kind ({@code cm_daemon_recv_total{kind}}): a push without a topic is a
   * DM; topic and broadcast pushes are topic. Queue deliveries do not exist inbound, so always 0.
   */
  public long receivedCount(DestinationKind kind) {
    switch (kind) {
      case DM:
        return receivedDm.get();
      case TOPIC:
        return receivedTopic.get();
      default:
        return 0;
    }
  }

  /** Deliveries of a message already in the inbox ({@code cm_daemon_dedupe_total{direction="inbound"}}). */
  public long duplicateCount() {
    return duplicates.get();
  }

  public long decryptFailedCount() {
    return decryptFailed.get();
  }

  /** Pushes dropped because their body could not be decoded ({@code invalid_inbound}). */
  public long invalidCount() {
    return invalid.get();
  }

  public long commitFailedCount() {
    return commitFailed.get();
  }
}
