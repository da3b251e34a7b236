package dev.claudemesh.core.protocol;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The other client → broker requests of SPEC §7.5, correlated by {@code _reqId}: {@code
 * list_peers}, {@code set_profile}, {@code set_status}, {@code set_summary}, {@code set_visible},
 * {@code topic_create}, {@code topic_list}, {@code topic_join}, {@code topic_leave}. Their
 * parameters are flat members of the frame, kept in {@link #params} after validation; members a
 * request type does not know are dropped.
 */
public record Request(String type, String reqId, Map<String, @Nullable Object> params)
    implements Frame {
  public static final String LIST_PEERS = "list_peers";
  public static final String SET_PROFILE = "set_profile";
  public static final String SET_STATUS = "set_status";
  public static final String SET_SUMMARY = "set_summary";
  public static final String SET_VISIBLE = "set_visible";
  public static final String TOPIC_CREATE = "topic_create";
  public static final String TOPIC_LIST = "topic_list";
  public static final String TOPIC_JOIN = "topic_join";
  public static final String TOPIC_LEAVE = "topic_leave";

  public static final Set<String> TYPES =
      Set.of(LIST_PEERS, SET_PROFILE, SET_STATUS, SET_SUMMARY, SET_VISIBLE, TOPIC_CREATE, TOPIC_LIST,
          TOPIC_JOIN, TOPIC_LEAVE);

  /** Profile members {@code set_profile} accepts, with their text limits. */
  static final Map<String, Integer> PROFILE_TEXT =
      Map.of("summary", 1024, "status", 64, "avatar", 2048, "title", 256, "bio", 4096);

  public Request {
    if (!TYPES.contains(type)) {
      throw new IllegalArgumentException("unknown request type");
    }
    Check.id(reqId, "_reqId");
    params = validate(type, params);
  }

  public static Request listPeers(String reqId) {
    return new Request(LIST_PEERS, reqId, Map.of());
  }

  public static Request topicList(String reqId) {
    return new Request(TOPIC_LIST, reqId, Map.of());
  }

  /** {@code topic_create}, {@code topic_join} or {@code topic_leave} for {@code topic}. */
  public static Request topic(String type, String reqId, String topic) {
    return new Request(type, reqId, Map.of("topic", topic));
  }

  /** The {@code topic} parameter of a topic request. */
  public String topic() {
    Object topic = params.get("topic");
    if (!(topic instanceof String)) {
      throw new IllegalStateException(type + " has no topic");
    }
    return (String) topic;
  }

  private static Map<String, @Nullable Object> validate(String type, Map<String, @Nullable Object> in) {
    Map<String, @Nullable Object> out = new LinkedHashMap<>();
    switch (type) {
      case TOPIC_CREATE:
      case TOPIC_JOIN:
      case TOPIC_LEAVE:
        out.put("topic", Check.topic(string(in, "topic", true), "topic"));
        break;
      case SET_STATUS:
        out.put("status", Check.text(string(in, "status", true), "status", PROFILE_TEXT.get("status")));
        break;
      case SET_SUMMARY:
        out.put("summary", Check.text(string(in, "summary", true), "summary", PROFILE_TEXT.get("summary")));
        break;
      case SET_VISIBLE:
        out.put("visible", bool(in, "visible", true));
        break;
      case SET_PROFILE:
        for (Map.Entry<String, Integer> e : PROFILE_TEXT.entrySet()) {
          String value = string(in, e.getKey(), false);
          if (value != null) {
            out.put(e.getKey(), Check.text(value, e.getKey(), e.getValue()));
          }
        }
        Boolean visible = bool(in, "visible", false);
        if (visible != null) {
          out.put("visible", visible);
        }
        Object caps = in.get("capabilities");
        if (caps != null) {
          if (!(caps instanceof List) || !((List<?>) caps).stream().allMatch(String.class::isInstance)) {
            throw new IllegalArgumentException("capabilities must be an array of strings");
          }
          @SuppressWarnings("unchecked")
          List<String> list = (List<String>) caps;
          out.put("capabilities", Check.idList(list, "capabilities", 64));
        }
        break;
      default:
        break;
    }
    return java.util.Collections.unmodifiableMap(out);
  }

  private static @Nullable String string(Map<String, @Nullable Object> in, String name, boolean required) {
    Object value = in.get(name);
    if (value == null) {
      if (required) {
        throw new IllegalArgumentException(name + " is required");
      }
      return null;
    }
    if (!(value instanceof String)) {
      throw new IllegalArgumentException(name + " must be a string");
    }
    return (String) value;
  }

  private static @Nullable Boolean bool(Map<String, @Nullable Object> in, String name, boolean required) {
    Object value = in.get(name);
    if (value == null) {
      if (required) {
        throw new IllegalArgumentException(name + " is required");
      }
      return null;
    }
    if (!(value instanceof Boolean)) {
      throw new IllegalArgumentException(name + " must be a boolean");
    }
    return (Boolean) value;
  }

  @Override
  public Map<String, @Nullable Object> toJson() {
    Obj obj = new Obj(type).put("_reqId", reqId);
    params.forEach(obj::put);
    return obj.build();
  }

  static Request read(Fields f, Map<String, @Nullable Object> json) throws InvalidFrameException {
    return new Request(f.type(), f.string("_reqId"), json);
  }
}
