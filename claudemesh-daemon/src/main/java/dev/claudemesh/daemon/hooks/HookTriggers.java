package dev.claudemesh.daemon.hooks;

import dev.claudemesh.core.events.EventKinds;
import dev.claudemesh.core.events.PeerEvent;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Which hooks an event starts (SPEC §9), and what a scope placeholder means for it.
 *
 * <ul>
 *   <li>{@code message} (one per new inbox row; a duplicate delivery publishes none):
 *       {@code on-message} always; {@code on-dm} for a DM; {@code on-topic-<name>} for a message
 *       on that topic (a broadcast, topic {@code *}, has none); {@code on-mention} when the
 *       message mentions this member.
 *   <li>{@code daemon_disconnect}: {@code on-disconnect}; {@code daemon_reconnect} (every
 *       connection after the first): {@code on-reconnect}.
 *   <li>{@code on-startup} is started by the daemon itself once its socket serves.
 * </ul>
 *
 * <p>A message mentions this member when its {@code meta.mentions} array holds the member's
 * display name, pubkey or member id, or its body holds {@code @<display name>} as a word (no
 * case, followed by anything but a name character). The wire push carries no mentions of its own
 * (SPEC §7.4), so these are the two places a sender can put one.
 */
public final class HookTriggers {
  public static final String ON_MESSAGE = "on-message";
  public static final String ON_DM = "on-dm";
  public static final String ON_MENTION = "on-mention";
  public static final String ON_TOPIC_PREFIX = "on-topic-";
  public static final String ON_DISCONNECT = "on-disconnect";
  public static final String ON_RECONNECT = "on-reconnect";
  public static final String ON_STARTUP = "on-startup";
  public static final String PRE_SEND = "pre-send";

  /** The member the daemon runs as, for mentions. */
  public record Self(String displayName, String pubkey, String memberId) {
    public Self {
      Objects.requireNonNull(displayName, "displayName == null");
      Objects.requireNonNull(pubkey, "pubkey == null");
      Objects.requireNonNull(memberId, "memberId == null");
    }
  }

  private final Self self;
  private final Pattern atName;

  public HookTriggers(Self self) {
    this.self = Objects.requireNonNull(self, "self == null");
    this.atName = Pattern.compile("(?<![\\p{L}\\p{N}_.-])@" + Pattern.quote(self.displayName())
        + "(?![\\p{L}\\p{N}_-])", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
  }

  /** The hooks {@code event} starts, in a stable order, without repeats. */
  public List<String> hooksFor(PeerEvent event) {
    Set<String> hooks = new LinkedHashSet<>();
    switch (event.kind()) {
      case EventKinds.MESSAGE:
        hooks.add(ON_MESSAGE);
        @Nullable String topic = string(event.data(), "topic");
        if (topic == null) {
          hooks.add(ON_DM);
        } else if (!topic.equals("*")) {
          hooks.add(ON_TOPIC_PREFIX + topic);
        }
        if (mentionsSelf(event.data())) {
          hooks.add(ON_MENTION);
        }
        break;
      case EventKinds.DAEMON_DISCONNECT:
        hooks.add(ON_DISCONNECT);
        break;
      case EventKinds.DAEMON_RECONNECT:
        hooks.add(ON_RECONNECT);
        break;
      default:
        break;
    }
    return new ArrayList<>(hooks);
  }

  boolean mentionsSelf(Map<String, @Nullable Object> data) {
    Object meta = data.get("meta");
    if (meta instanceof Map) {
      Object mentions = ((Map<?, ?>) meta).get("mentions");
      if (mentions instanceof List) {
        for (Object m : (List<?>) mentions) {
          if (m instanceof String && names((String) m)) {
            return true;
          }
        }
      }
    }
    @Nullable String body = string(data, "body");
    if (body == null) {
      return false;
    }
    Matcher matcher = atName.matcher(body);
    return matcher.find();
  }

  private boolean names(String mention) {
    String m = mention.startsWith("@") ? mention.substring(1) : mention;
    return m.equalsIgnoreCase(self.displayName()) || m.equalsIgnoreCase(self.pubkey())
        || m.equals(self.memberId());
  }

  /**
   * The scopes a run of a hook gets for {@code event}, from the scope strings of its policy:
   * {@code reply:event} (to the topic of a topic message; to the sender of a DM or of a
   * broadcast), {@code dm:send:<sender>}, {@code topic:<topic>:post}, {@code topic:<name>:post}.
   * A placeholder the event cannot fill (no sender, no topic) grants nothing.
   */
  public static List<Scope> scopesFor(List<String> configured, Map<String, @Nullable Object> data) {
    List<Scope> scopes = new ArrayList<>();
    @Nullable String from = string(data, "from");
    @Nullable String topic = string(data, "topic");
    for (String s : configured) {
      if (s.equals("reply:event")) {
        // a reply to a broadcast goes to its sender alone: a broadcast answered by broadcasts
        // would start every other member's hooks again, and theirs would answer in turn
        @Nullable String destination = topic != null && !topic.equals("*") ? "#" + topic : from;
        Set<String> ids = new LinkedHashSet<>();
        for (String key : List.of("id", "client_message_id", "broker_message_id")) {
          @Nullable String id = string(data, key);
          if (id != null && !id.isEmpty()) {
            ids.add(id);
          }
        }
        if (destination != null && !ids.isEmpty()) {
          scopes.add(new Scope.Reply(destination, ids));
        }
      } else if (s.equals("dm:send:<sender>")) {
        if (from != null && from.matches("[0-9a-fA-F]{64}")) {
          scopes.add(new Scope.DmSend(from.toLowerCase(Locale.ROOT)));
        }
      } else if (s.equals("topic:<topic>:post")) {
        if (topic != null && !topic.equals("*")) {
          scopes.add(new Scope.TopicPost(topic));
        }
      } else if (s.startsWith("topic:") && s.endsWith(":post")) {
        scopes.add(new Scope.TopicPost(s.substring("topic:".length(), s.length() - ":post".length())));
      }
    }
    return scopes;
  }

  private static @Nullable String string(Map<String, @Nullable Object> data, String key) {
    Object value = data.get(key);
    return value instanceof String ? (String) value : null;
  }

  @Override
  public String toString() {
    return "HookTriggers{" + self.displayName() + "}";
  }
}
