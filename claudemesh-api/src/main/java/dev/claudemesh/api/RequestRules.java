package dev.claudemesh.api;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The field rules the SPEC states for request bodies, each returning the {@code 400
 * invalid_request} to answer, or empty when the body passes. Schema errors (types, missing
 * members) are {@link ApiJson}'s; these check values. Messages name the field, never echo it.
 */
public final class RequestRules {
  private RequestRules() {}

  /** §4.2: longest {@code client_message_id}. */
  public static final int MAX_CLIENT_MESSAGE_ID = 128;
  /** Longest {@code to}, topic or display name accepted; longer ones cannot name anything. */
  public static final int MAX_NAME = 256;

  public static final String PRIORITY_NOW = "now";
  public static final String PRIORITY_NEXT = "next";
  public static final String PRIORITY_LOW = "low";
  /** §4.3: the priorities, {@code next} being the default. */
  public static final List<String> PRIORITIES = List.of(PRIORITY_NOW, PRIORITY_NEXT, PRIORITY_LOW);

  /** {@code to} value that broadcasts (§3.3). */
  public static final String BROADCAST = "*";
  public static final String TOPIC_PREFIX = "#";

  /** §4.2: 1–128 printable ASCII characters (U+0020–U+007E); {@code source} names where it came from. */
  public static Optional<Problem> clientMessageId(String id, String source) {
    if (id.isEmpty() || id.length() > MAX_CLIENT_MESSAGE_ID) {
      return invalid(source + " must be 1 to " + MAX_CLIENT_MESSAGE_ID + " characters, got "
          + id.length());
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < 0x20 || c > 0x7E) {
        return invalid(source + " must be printable ASCII; character " + i + " is not");
      }
    }
    return Optional.empty();
  }

  /** §4.3: absent, or one of now, next, low. */
  public static Optional<Problem> priority(@Nullable String priority) {
    if (priority == null || PRIORITIES.contains(priority)) {
      return Optional.empty();
    }
    return invalid("priority must be one of now, next, low");
  }

  /**
   * §3.3: {@code to} is a 64-hex member pubkey, a display name, {@code #topic} or {@code *}. Only
   * the shape is checked here; whether a name resolves is the daemon's 422.
   */
  public static Optional<Problem> to(String to) {
    if (to.startsWith(TOPIC_PREFIX)) {
      return name(to.substring(1), "to (topic after #)");
    }
    return name(to, "to");
  }

  /** A topic, {@code to} or name: 1–256 characters, no control characters. */
  public static Optional<Problem> name(String value, String field) {
    if (value.isEmpty() || value.length() > MAX_NAME) {
      return invalid(field + " must be 1 to " + MAX_NAME + " characters, got " + value.length());
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        return invalid(field + " must not hold control characters; character " + i + " is one");
      }
    }
    return Optional.empty();
  }

  /** True when {@code to} is a 64-hex member pubkey (either case), i.e. a direct message. */
  public static boolean isPubkey(String to) {
    if (to.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = to.charAt(i);
      boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!hex) {
        return false;
      }
    }
    return true;
  }

  /** All rules for {@code POST /v1/send}; the first failure wins. */
  public static Optional<Problem> check(SendRequest r) {
    return first(to(r.to()), priority(r.priority()),
        r.replyToId() == null ? Optional.empty() : name(r.replyToId(), "reply_to_id"),
        r.clientMessageId() == null ? Optional.empty()
            : clientMessageId(r.clientMessageId(), "client_message_id"));
  }

  /** All rules for {@code POST /v1/topic/post}. */
  public static Optional<Problem> check(TopicPostRequest r) {
    Optional<Problem> mentions = Optional.empty();
    if (r.mentions() != null) {
      for (int i = 0; i < r.mentions().size() && mentions.isEmpty(); i++) {
        mentions = name(r.mentions().get(i), "mentions[" + i + "]");
      }
    }
    return first(name(r.topic(), "topic"), priority(r.priority()), mentions,
        r.clientMessageId() == null ? Optional.empty()
            : clientMessageId(r.clientMessageId(), "client_message_id"));
  }

  /** {@code POST /v1/topic/subscribe} and {@code /unsubscribe}. */
  public static Optional<Problem> check(TopicRequest r) {
    return name(r.topic(), "topic");
  }

  /** §4.7: exactly one of {@code new_client_message_id} and {@code auto:true}. */
  public static Optional<Problem> check(RequeueRequest r) {
    boolean auto = Boolean.TRUE.equals(r.auto());
    if ((r.newClientMessageId() != null) == auto) {
      return invalid("give exactly one of new_client_message_id and auto:true");
    }
    return first(name(r.id(), "id"), r.newClientMessageId() == null ? Optional.empty()
        : clientMessageId(r.newClientMessageId(), "new_client_message_id"));
  }

  @SafeVarargs
  private static Optional<Problem> first(Optional<Problem>... checks) {
    for (Optional<Problem> c : checks) {
      if (c.isPresent()) {
        return c;
      }
    }
    return Optional.empty();
  }

  private static Optional<Problem> invalid(String detail) {
    return Optional.of(Problem.of(ErrorCodes.INVALID_REQUEST, detail));
  }
}
