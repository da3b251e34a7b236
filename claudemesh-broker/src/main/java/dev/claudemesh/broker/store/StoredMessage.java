package dev.claudemesh.broker.store;

import org.jspecify.annotations.Nullable;

/** A message row as a push needs it. {@code toString()} leaves out the body. */
public record StoredMessage(
    String id,
    String meshId,
    String senderMemberId,
    String senderMemberPubkey,
    String senderPubkey,
    String senderName,
    String targetSpec,
    @Nullable String topic,
    String priority,
    @Nullable String nonce,
    String ciphertext,
    @Nullable String replyToId,
    @Nullable String metaJson,
    @Nullable String clientMessageId,
    long createdAt) {

  @Override
  public String toString() {
    return "StoredMessage{id=" + id + ", sender=" + senderMemberId + ", target=" + targetSpec
        + ", client_message_id=" + clientMessageId + ", ciphertext=<" + ciphertext.length() + " chars>}";
  }
}
