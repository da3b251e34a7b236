package dev.claudemesh.daemon.hooks;

import dev.claudemesh.api.Routes;
import dev.claudemesh.daemon.ipc.Capabilities;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One scope of a hook's capability token (SPEC §9), bound to the event that started the hook.
 * There are no read scopes: every scope allows one kind of send and nothing else.
 */
public sealed interface Scope {
  /** Whether {@code request} is a send this scope allows. */
  boolean allows(Capabilities.Request request);

  /** The scope as written in {@code hooks.toml}, with its placeholder filled in. */
  String describe();

  /**
   * {@code reply:event}: a send back where the event's message came from (the sender for a DM,
   * the same topic for a topic message) whose {@code reply_to_id} names that message by one of
   * its ids.
   */
  record Reply(String destination, Set<String> messageIds) implements Scope {
    public Reply {
      Objects.requireNonNull(destination, "destination == null");
      messageIds = Set.copyOf(messageIds);
    }

    @Override
    public boolean allows(Capabilities.Request request) {
      return request.method().equals("POST") && request.path().equals(Routes.SEND)
          && sameDestination(destination, request.to())
          && request.replyToId() != null && messageIds.contains(request.replyToId());
    }

    @Override
    public String describe() {
      return "reply:event (to " + shortName(destination) + " with reply_to_id of the event)";
    }
  }

  /** {@code dm:send:<sender>}: DMs to the event's sender, named by its 64-hex member pubkey. */
  record DmSend(String pubkey) implements Scope {
    public DmSend {
      pubkey = pubkey.toLowerCase(Locale.ROOT);
    }

    @Override
    public boolean allows(Capabilities.Request request) {
      return request.method().equals("POST") && request.path().equals(Routes.SEND)
          && sameDestination(pubkey, request.to());
    }

    @Override
    public String describe() {
      return "dm:send:" + shortName(pubkey);
    }
  }

  /** {@code topic:<name>:post}: posts to one topic, by either send route. */
  record TopicPost(String topic) implements Scope {
    public TopicPost {
      Objects.requireNonNull(topic, "topic == null");
    }

    @Override
    public boolean allows(Capabilities.Request request) {
      return request.method().equals("POST")
          && (request.path().equals(Routes.SEND) || request.path().equals(Routes.TOPIC_POST))
          && ("#" + topic).equals(request.to());
    }

    @Override
    public String describe() {
      return "topic:" + topic + ":post";
    }
  }

  /** Pubkeys compare without case; topics ({@code #name}, {@code *}) exactly. */
  private static boolean sameDestination(String allowed, @Nullable String to) {
    if (to == null) {
      return false;
    }
    return allowed.startsWith("#") || allowed.equals("*") ? allowed.equals(to)
        : allowed.equalsIgnoreCase(to);
  }

  /** A pubkey as its first 8 hex characters; topics as they are. */
  private static String shortName(String destination) {
    return destination.length() == 64 ? destination.substring(0, 8) + "…" : destination;
  }
}
