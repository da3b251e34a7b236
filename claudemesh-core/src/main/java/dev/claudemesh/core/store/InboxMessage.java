package dev.claudemesh.core.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One received message as the inbox stores it (SPEC §5). Immutable; {@code toString()} shows
 * neither body nor meta. The inbound side fills {@link #builder()} and passes the result to {@link
 * Inbox#insertIfNew}; {@link #id()} is the ULID the inbox assigned, empty before that.
 */
public final class InboxMessage {
  private final @Nullable String id;
  private final String clientMessageId;
  private final String mesh;
  private final String senderMemberId;
  private final @Nullable String brokerMessageId;
  private final @Nullable String topic;
  private final String senderPubkey;
  private final String senderName;
  private final @Nullable String body;
  private final @Nullable String meta;
  private final @Nullable String priority;
  private final Instant receivedAt;
  private final @Nullable String replyToId;

  private InboxMessage(Builder b, String clientMessageId) {
    this.id = null;
    this.clientMessageId = clientMessageId;
    this.mesh = b.mesh;
    this.senderMemberId = b.senderMemberId;
    this.brokerMessageId = b.brokerMessageId;
    this.topic = b.topic;
    this.senderPubkey = b.senderPubkey;
    this.senderName = b.senderName;
    this.body = b.body;
    this.meta = b.meta;
    this.priority = b.priority;
    this.receivedAt = b.receivedAt;
    this.replyToId = b.replyToId;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** This message as stored under the inbox row id {@code id}. */
  InboxMessage withId(String id) {
    return new InboxMessage(this, id);
  }

  private InboxMessage(InboxMessage m, String id) {
    this.id = id;
    this.clientMessageId = m.clientMessageId;
    this.mesh = m.mesh;
    this.senderMemberId = m.senderMemberId;
    this.brokerMessageId = m.brokerMessageId;
    this.topic = m.topic;
    this.senderPubkey = m.senderPubkey;
    this.senderName = m.senderName;
    this.body = m.body;
    this.meta = m.meta;
    this.priority = m.priority;
    this.receivedAt = m.receivedAt;
    this.replyToId = m.replyToId;
  }

  /** The inbox row id (a ULID); empty before insert. */
  public Optional<String> id() {
    return Optional.ofNullable(id);
  }

  /** The sender's id, or the broker message id for senders that send none. */
  public String clientMessageId() {
    return clientMessageId;
  }

  public String mesh() {
    return mesh;
  }

  public String senderMemberId() {
    return senderMemberId;
  }

  public Optional<String> brokerMessageId() {
    return Optional.ofNullable(brokerMessageId);
  }

  /** The topic; empty for a DM. */
  public Optional<String> topic() {
    return Optional.ofNullable(topic);
  }

  public String senderPubkey() {
    return senderPubkey;
  }

  public String senderName() {
    return senderName;
  }

  public Optional<String> body() {
    return Optional.ofNullable(body);
  }

  /** The meta object as JSON text. */
  public Optional<String> meta() {
    return Optional.ofNullable(meta);
  }

  public Optional<String> priority() {
    return Optional.ofNullable(priority);
  }

  public Instant receivedAt() {
    return receivedAt;
  }

  public Optional<String> replyToId() {
    return Optional.ofNullable(replyToId);
  }

  @Override
  public String toString() {
    return "InboxMessage{id=" + id + ", mesh=" + mesh + ", senderMemberId=" + senderMemberId
        + ", clientMessageId=" + clientMessageId + (topic == null ? ", dm" : ", topic=" + topic)
        + ", receivedAt=" + receivedAt + "}"; // never the body or meta
  }

  /** Fills an {@link InboxMessage}; mesh, sender member id, pubkey, name and received-at are required. */
  public static final class Builder {
    private @Nullable String clientMessageId;
    private @Nullable String mesh;
    private @Nullable String senderMemberId;
    private @Nullable String brokerMessageId;
    private @Nullable String topic;
    private @Nullable String senderPubkey;
    private @Nullable String senderName;
    private @Nullable String body;
    private @Nullable String meta;
    private @Nullable String priority;
    private @Nullable Instant receivedAt;
    private @Nullable String replyToId;

    private Builder() {}

    public Builder clientMessageId(@Nullable String v) {
      clientMessageId = v;
      return this;
    }

    public Builder mesh(String v) {
      mesh = Objects.requireNonNull(v, "mesh == null");
      return this;
    }

    public Builder senderMemberId(String v) {
      senderMemberId = Objects.requireNonNull(v, "senderMemberId == null");
      return this;
    }

    public Builder brokerMessageId(@Nullable String v) {
      brokerMessageId = v;
      return this;
    }

    public Builder topic(@Nullable String v) {
      topic = v;
      return this;
    }

    public Builder senderPubkey(String v) {
      senderPubkey = Objects.requireNonNull(v, "senderPubkey == null");
      return this;
    }

    public Builder senderName(String v) {
      senderName = Objects.requireNonNull(v, "senderName == null");
      return this;
    }

    public Builder body(@Nullable String v) {
      body = v;
      return this;
    }

    public Builder meta(@Nullable String v) {
      meta = v;
      return this;
    }

    public Builder priority(@Nullable String v) {
      priority = v;
      return this;
    }

    public Builder receivedAt(Instant v) {
      receivedAt = Objects.requireNonNull(v, "receivedAt == null");
      return this;
    }

    public Builder replyToId(@Nullable String v) {
      replyToId = v;
      return this;
    }

    /**
     * Builds the message; its dedupe id is the client_message_id, or for senders that send none
     * (original claudemesh) the broker_message_id (SPEC §5).
     *
     * @throws IllegalStateException if mesh, sender member id, pubkey, name or received-at is unset
     * @throws IllegalArgumentException if there is neither a client_message_id nor a
     *     broker_message_id to deduplicate on
     */
    public InboxMessage build() {
      for (Object[] field : new Object[][] {{"mesh", mesh}, {"senderMemberId", senderMemberId},
          {"senderPubkey", senderPubkey}, {"senderName", senderName}, {"receivedAt", receivedAt}}) {
        if (field[1] == null) {
          throw new IllegalStateException(field[0] + " is required");
        }
      }
      String dedupeId = clientMessageId != null && !clientMessageId.isEmpty() ? clientMessageId : brokerMessageId;
      if (dedupeId == null || dedupeId.isEmpty()) {
        throw new IllegalArgumentException("inbound message from " + senderMemberId + " in " + mesh
            + " has neither a client_message_id nor a broker_message_id to deduplicate on");
      }
      return new InboxMessage(this, dedupeId);
    }
  }
}
