package dev.claudemesh.core.protocol;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Client → broker {@code send} (SPEC §7.3). {@code id} is the correlation id echoed in the ack. A
 * DM ({@code targetSpec} a member pubkey) carries a 24-byte {@code nonce} and a {@code
 * crypto_box_easy} ciphertext; a topic v1 body is base64 of UTF-8 with no nonce. The idempotency
 * members are optional because original claudemesh peers send without them.
 */
public record SendFrame(
    String id,
    String targetSpec,
    String priority,
    @Nullable String nonce,
    String ciphertext,
    @Nullable String replyToId,
    List<String> mentions,
    @Nullable Map<String, @Nullable Object> meta,
    @Nullable String clientMessageId,
    @Nullable String requestFingerprint,
    @Nullable String envelopeVersion,
    @Nullable String destinationKind,
    @Nullable String destinationRef)
    implements Frame {
  public static final String TYPE = "send";

  public SendFrame {
    Check.id(id, "id");
    Target.check(targetSpec);
    Check.priority(priority, "priority");
    if (nonce != null) {
      Check.base64(nonce, "nonce", 64);
      if (Base64.getDecoder().decode(nonce).length != 24) {
        throw new IllegalArgumentException("nonce must be 24 bytes");
      }
    } else if (Target.isDirect(targetSpec)) {
      throw new IllegalArgumentException("nonce is required for a direct message");
    }
    Check.base64(ciphertext, "ciphertext", Check.MAX_CIPHERTEXT_CHARS);
    Check.optionalId(replyToId, "replyToId");
    mentions = Check.idList(mentions, "mentions", 256);
    meta = Check.meta(meta);
    if (clientMessageId != null) {
      Check.id(clientMessageId, "client_message_id", 128);
    }
    if (requestFingerprint != null) {
      Check.hex64(requestFingerprint, "request_fingerprint");
    }
    Check.optionalId(envelopeVersion, "envelope_version");
    if (destinationKind != null
        && !destinationKind.equals("dm")
        && !destinationKind.equals("topic")
        && !destinationKind.equals("queue")) {
      throw new IllegalArgumentException("destination_kind must be dm, topic or queue");
    }
    Check.optionalText(destinationRef, "destination_ref", Check.MAX_ID);
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Map<String, @Nullable Object> toJson() {
    return new Obj(TYPE)
        .put("id", id)
        .put("targetSpec", targetSpec)
        .put("priority", priority)
        .put("nonce", nonce)
        .put("ciphertext", ciphertext)
        .put("replyToId", replyToId)
        .put("mentions", mentions.isEmpty() ? null : mentions)
        .put("meta", meta)
        .put("client_message_id", clientMessageId)
        .put("request_fingerprint", requestFingerprint)
        .put("envelope_version", envelopeVersion)
        .put("destination_kind", destinationKind)
        .put("destination_ref", destinationRef)
        .build();
  }

  static SendFrame read(Fields f) throws InvalidFrameException {
    String priority = f.optionalString("priority");
    List<String> mentions = f.optionalStrings("mentions");
    return new SendFrame(
        f.string("id"),
        f.string("targetSpec"),
        priority == null ? "next" : priority,
        f.optionalString("nonce"),
        f.string("ciphertext"),
        f.optionalString("replyToId"),
        mentions == null ? List.of() : mentions,
        f.optionalObject("meta"),
        f.optionalString("client_message_id"),
        f.optionalString("request_fingerprint"),
        f.optionalString("envelope_version"),
        f.optionalString("destination_kind"),
        f.optionalString("destination_ref"));
  }

  @Override
  public String toString() {
    return "SendFrame{id=" + id + ", targetSpec=" + targetSpec + ", priority=" + priority
        + ", client_message_id=" + clientMessageId + ", ciphertext=<" + ciphertext.length()
        + " chars>}";
  }
}
