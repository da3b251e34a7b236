package dev.claudemesh.core.protocol;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Broker → client {@code push} (SPEC §7.4). A message push carries {@code nonce} (DMs) and {@code
 * ciphertext}; a system push ({@code subtype:"system"}) carries {@code event} and {@code
 * eventData} and no body. A topic push names its topic; a broadcast ({@code *}) push carries {@code
 * topic:"*"}; a push without a topic is a DM. {@code delivery_id} is what the client names in its {@code client_ack}.
 */
public record Push(
    String messageId,
    String meshId,
    String senderPubkey,
    String senderMemberPubkey,
    String senderMemberId,
    String senderName,
    @Nullable String topic,
    @Nullable String replyToId,
    String priority,
    @Nullable String nonce,
    @Nullable String ciphertext,
    long createdAt,
    @Nullable Map<String, @Nullable Object> meta,
    @Nullable String clientMessageId,
    String deliveryId,
    @Nullable String subtype,
    @Nullable String event,
    @Nullable Map<String, @Nullable Object> eventData)
    implements Frame {
  public static final String TYPE = "push";
  public static final String SUBTYPE_SYSTEM = "system";

  public Push {
    Check.id(messageId, "messageId");
    Check.id(meshId, "meshId");
    Check.id(senderMemberId, "senderMemberId");
    Check.text(senderName, "senderName", Check.MAX_ID);
    if (topic != null && !Target.isBroadcast(topic)) { // "*": a broadcast to every member
      Check.topic(topic, "topic");
    }
    Check.optionalId(replyToId, "replyToId");
    Check.priority(priority, "priority");
    Check.nonNegative(createdAt, "createdAt");
    meta = Check.meta(meta);
    if (clientMessageId != null) {
      Check.id(clientMessageId, "client_message_id", 128);
    }
    Check.id(deliveryId, "delivery_id");
    Check.optionalId(subtype, "subtype");
    eventData = Check.optionalObject(eventData);
    if (SUBTYPE_SYSTEM.equals(subtype)) {
      Check.id(Check.notNull(event, "event"), "event", 64);
      // system pushes may come from the broker itself: its pubkeys are not member keys
      Check.text(senderPubkey, "senderPubkey", Check.MAX_ID);
      Check.text(senderMemberPubkey, "senderMemberPubkey", Check.MAX_ID);
    } else {
      Check.hex64(senderPubkey, "senderPubkey");
      Check.hex64(senderMemberPubkey, "senderMemberPubkey");
      Check.base64(Check.notNull(ciphertext, "ciphertext"), "ciphertext", Check.MAX_CIPHERTEXT_CHARS);
      if (topic == null) {
        Check.notNull(nonce, "nonce (a direct message)");
      }
      if (nonce != null) {
        Check.base64(nonce, "nonce", 64);
        if (java.util.Base64.getDecoder().decode(nonce).length != 24) {
          throw new IllegalArgumentException("nonce must be 24 bytes");
        }
      }
    }
  }

  /** True for {@code subtype:"system"} pushes (peer_joined, peer_left, …). */
  public boolean isSystem() {
    return SUBTYPE_SYSTEM.equals(subtype);
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Map<String, @Nullable Object> toJson() {
    return new Obj(TYPE)
        .put("messageId", messageId)
        .put("meshId", meshId)
        .put("senderPubkey", senderPubkey)
        .put("senderMemberPubkey", senderMemberPubkey)
        .put("senderMemberId", senderMemberId)
        .put("senderName", senderName)
        .put("topic", topic)
        .put("replyToId", replyToId)
        .put("priority", priority)
        .put("nonce", nonce)
        .put("ciphertext", ciphertext)
        .put("createdAt", createdAt)
        .put("meta", meta)
        .put("client_message_id", clientMessageId)
        .put("delivery_id", deliveryId)
        .put("subtype", subtype)
        .put("event", event)
        .put("eventData", eventData)
        .build();
  }

  static Push read(Fields f) throws InvalidFrameException {
    String priority = f.optionalString("priority");
    return new Push(
        f.string("messageId"),
        f.string("meshId"),
        f.string("senderPubkey"),
        f.string("senderMemberPubkey"),
        f.string("senderMemberId"),
        f.string("senderName"),
        f.optionalString("topic"),
        f.optionalString("replyToId"),
        priority == null ? "next" : priority,
        f.optionalString("nonce"),
        f.optionalString("ciphertext"),
        f.integer("createdAt"),
        f.optionalObject("meta"),
        f.optionalString("client_message_id"),
        f.string("delivery_id"),
        f.optionalString("subtype"),
        f.optionalString("event"),
        f.optionalObject("eventData"));
  }

  @Override
  public String toString() {
    return "Push{messageId=" + messageId + ", delivery_id=" + deliveryId + ", from="
        + senderMemberId + (topic == null ? "" : ", topic=" + topic)
        + (isSystem() ? ", event=" + event : ", ciphertext=<" + (ciphertext == null ? 0 : ciphertext.length()) + " chars>")
        + "}";
  }
}
