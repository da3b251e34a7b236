package dev.claudemesh.core.protocol;

import dev.claudemesh.core.jcs.Jcs;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Valid frames of every type, and helpers that turn one into an edited JSON text. */
final class ProtocolSamples {
  static final String PK_A = "a".repeat(64);
  static final String PK_B = "0123456789abcdef".repeat(4);
  static final String SIGNATURE = "5e".repeat(64);
  static final String FINGERPRINT = "f0".repeat(32);
  static final String NONCE = b64(new byte[24]);
  static final String CIPHERTEXT = b64("sealed bytes stand-in".getBytes(StandardCharsets.UTF_8));

  /** Marks a member to delete in {@link #edited}. */
  static final Object ABSENT = new Object();

  private ProtocolSamples() {}

  static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  static String b64(String utf8) {
    return b64(utf8.getBytes(StandardCharsets.UTF_8));
  }

  static Hello helloFull() {
    return new Hello("mesh-1", "member-1", PK_A, PK_B, "Alice", "session-1", 4242, "/home/alice/project",
        "laptop", "ai", "stable", 1, List.of("send", "topics"), 1767225600000L, SIGNATURE);
  }

  static Hello helloMinimal() {
    return new Hello("mesh-1", "member-1", PK_A, null, null, "session-1", 0, "", null, "human", null, 1,
        List.of(), 0, SIGNATURE);
  }

  static HelloAck helloAck() {
    return new HelloAck("presence-1", "Alice", 1, "claudemesh-broker 0.1.0");
  }

  static FeatureNegotiationRequest negotiationRequestFull() {
    return new FeatureNegotiationRequest(FeatureNegotiation.DEFAULT_REQUIRE, FeatureNegotiation.DEFAULT_OPTIONAL);
  }

  static FeatureNegotiationRequest negotiationRequestEmpty() {
    return new FeatureNegotiationRequest(List.of(), List.of());
  }

  /** Numbers are doubles because that is what the strict parser yields. */
  static FeatureNegotiationResponse negotiationResponseFull() {
    Map<String, Map<String, @Nullable Object>> supported = new LinkedHashMap<>();
    supported.put(FeatureNegotiation.CLIENT_MESSAGE_ID_DEDUPE, Map.of("version", 1.0, "mode", "retention_scoped",
        "dedupe_retention_days", 30.0, "request_fingerprint", true, "tombstone_history_pruned_window_days", 7.0));
    supported.put(FeatureNegotiation.CONCURRENT_CONNECTION_POLICY, Map.of("version", 1.0, "default_policy",
        FeatureNegotiation.PREFER_OLDEST));
    supported.put(FeatureNegotiation.MEMBER_KEYPAIR_ROTATED_EVENT, Map.of("version", 1.0));
    supported.put(FeatureNegotiation.KEY_EPOCH, Map.of("version", 1.0, "max_concurrent_epochs", 2.0));
    supported.put(FeatureNegotiation.MAX_PAYLOAD, Map.of("version", 1.0, "inline_bytes", 65536.0,
        "blob_bytes", 104857600.0));
    return new FeatureNegotiationResponse(supported, List.of());
  }

  static FeatureNegotiationResponse negotiationResponseEmpty() {
    return new FeatureNegotiationResponse(Map.of(), List.of(FeatureNegotiation.CLIENT_MESSAGE_ID_DEDUPE));
  }

  static SendFrame sendDmFull() {
    Map<String, @Nullable Object> meta = new LinkedHashMap<>();
    meta.put("thread", "release-2.4");
    meta.put("attempt", 2.0);
    meta.put("tags", List.of("ci", "deploy"));
    return new SendFrame("cm-01", PK_B, "now", NONCE, CIPHERTEXT, "msg-0", List.of("member-2"), meta, "cm-01",
        FINGERPRINT, "1", "dm", PK_B);
  }

  /** A send as original claudemesh peers write it: no idempotency members. */
  static SendFrame sendTopicMinimal() {
    return new SendFrame("req-7", "#general", "next", null, b64("hello, topic"), null, List.of(), null, null, null,
        null, null, null);
  }

  static SendFrame sendBroadcast() {
    return new SendFrame("req-8", "*", "low", null, b64("hello, everyone"), null, List.of(), null, null, null,
        null, null, null);
  }

  static Ack ackAccepted() {
    return new Ack("cm-01", 201, "cm-01", "bm-01", "msg-01", "h-01", false, true, 1767225600000L, false, null,
        null, null);
  }

  static Ack ackMinimal() {
    return new Ack("req-7", 201, null, null, null, null, false, true, null, false, null, null, null);
  }

  static Ack ackConflict() {
    return new Ack("cm-01", 409, "cm-01", "bm-01", "msg-01", "h-01", true, false, 1767225600000L, true,
        "idempotency_key_reused", "0123456789abcdef",
        new Ack.Error("idempotency_key_reused", "client_message_id reused with another request", true));
  }

  static Push pushDm() {
    return new Push("msg-01", "mesh-1", PK_A, PK_A, "member-1", "Alice", null, null, "next", NONCE, CIPHERTEXT,
        1767225600000L, null, null, "d-01", null, null, null);
  }

  static Push pushTopicFull() {
    return new Push("msg-02", "mesh-1", PK_A, PK_B, "member-1", "Alice", "general", "msg-01", "now", NONCE,
        b64("hello, topic"), 1767225600001L, Map.of("thread", "t-1"), "cm-02", "d-02", "message", "note",
        Map.of("k", "v"));
  }

  static Push pushSystem() {
    return new Push("msg-03", "mesh-1", "broker", "broker", "broker", "claudemesh", null, null, "next", null,
        null, 1767225600002L, null, null, "d-03", Push.SUBTYPE_SYSTEM, "peer_joined",
        Map.of("memberId", "member-2", "displayName", "Bob"));
  }

  static Push pushSystemMinimal() {
    return new Push("msg-04", "mesh-1", "broker", "broker", "broker", "claudemesh", null, null, "low", null, null,
        0, null, null, "d-04", Push.SUBTYPE_SYSTEM, "peer_left", null);
  }

  static ClientAck clientAckFull() {
    return new ClientAck("d-01", "cm-01", "bm-01");
  }

  static ClientAck clientAckMinimal() {
    return new ClientAck("d-01", null, "bm-01");
  }

  static PeerInfo peerFull() {
    return new PeerInfo(PK_A, "member-1", "Alice", "ai", "busy", "reviewing PR 12", "reviewer",
        List.of("send"), 1767225600000L);
  }

  static PeerInfo peerMinimal() {
    return new PeerInfo(PK_B, "member-2", "Bob", "human", null, null, null, List.of(), 0);
  }

  static PeersList peersList() {
    return new PeersList("r-1", List.of(peerFull(), peerMinimal()));
  }

  static TopicsList topicsList() {
    return new TopicsList("r-2", List.of(new TopicInfo("general", true, 3), new TopicInfo("ops.alerts", false, 0)));
  }

  static Request setProfileFull() {
    Map<String, @Nullable Object> params = new LinkedHashMap<>();
    params.put("summary", "working on the wire tests");
    params.put("status", "busy");
    params.put("avatar", "https://example.org/a.png");
    params.put("title", "reviewer");
    params.put("bio", "likes canonical JSON");
    params.put("visible", true);
    params.put("capabilities", List.of("send", "topics"));
    return new Request(Request.SET_PROFILE, "r-3", params);
  }

  /** Every frame type, with its optional members present and absent. */
  static Map<String, Frame> all() {
    Map<String, Frame> frames = new LinkedHashMap<>();
    frames.put("hello, all members", helloFull());
    frames.put("hello, required only", helloMinimal());
    frames.put("hello_ack", helloAck());
    frames.put("feature_negotiation_request, defaults", negotiationRequestFull());
    frames.put("feature_negotiation_request, empty", negotiationRequestEmpty());
    frames.put("feature_negotiation_response, every feature", negotiationResponseFull());
    frames.put("feature_negotiation_response, nothing supported", negotiationResponseEmpty());
    frames.put("send, DM with every member", sendDmFull());
    frames.put("send, topic without idempotency members", sendTopicMinimal());
    frames.put("send, broadcast", sendBroadcast());
    frames.put("ack, accepted", ackAccepted());
    frames.put("ack, required only", ackMinimal());
    frames.put("ack, 409 with every member", ackConflict());
    frames.put("push, DM", pushDm());
    frames.put("push, topic with every member", pushTopicFull());
    frames.put("push, system", pushSystem());
    frames.put("push, system without eventData", pushSystemMinimal());
    frames.put("client_ack, all members", clientAckFull());
    frames.put("client_ack, without client_message_id", clientAckMinimal());
    frames.put("peers_list", peersList());
    frames.put("peers_list, empty", new PeersList("r-1", List.of()));
    frames.put("topics_list", topicsList());
    frames.put("topics_list, empty", new TopicsList("r-2", List.of()));
    frames.put("ok", new Ok("r-3"));
    frames.put("error, with _reqId", new ErrorFrame("not_found", "no such topic", "r-4"));
    frames.put("error, without _reqId", new ErrorFrame("rate_limited", "", null));
    frames.put("list_peers", Request.listPeers("r-5"));
    frames.put("topic_list", Request.topicList("r-6"));
    frames.put("topic_create", Request.topic(Request.TOPIC_CREATE, "r-7", "general"));
    frames.put("topic_join", Request.topic(Request.TOPIC_JOIN, "r-8", "_private"));
    frames.put("topic_leave", Request.topic(Request.TOPIC_LEAVE, "r-9", "ops.alerts-eu_1"));
    frames.put("set_status", new Request(Request.SET_STATUS, "r-10", Map.of("status", "away")));
    frames.put("set_summary", new Request(Request.SET_SUMMARY, "r-11", Map.of("summary", "line one\nline two")));
    frames.put("set_visible", new Request(Request.SET_VISIBLE, "r-12", Map.of("visible", false)));
    frames.put("set_profile, every member", setProfileFull());
    frames.put("set_profile, nothing", new Request(Request.SET_PROFILE, "r-13", Map.of()));
    return frames;
  }

  /**
   * The canonical text of {@code frame} with one member changed: {@code path} is a member name or
   * a dotted path into nested objects ({@code error.code}, {@code peers.0.pubkey}); {@code value}
   * {@link #ABSENT} deletes it.
   */
  static String edited(Frame frame, String path, @Nullable Object value) {
    Object json = mutableCopy(Jcs.parse(Frames.encode(frame)));
    String[] parts = path.split("\\.");
    Object target = json;
    for (int i = 0; i < parts.length - 1; i++) {
      target = child(target, parts[i]);
    }
    String last = parts[parts.length - 1];
    if (target instanceof List) {
      @SuppressWarnings("unchecked")
      List<@Nullable Object> list = (List<@Nullable Object>) target;
      list.set(Integer.parseInt(last), value);
    } else {
      @SuppressWarnings("unchecked")
      Map<String, @Nullable Object> map = (Map<String, @Nullable Object>) target;
      if (value == ABSENT) {
        map.remove(last);
      } else {
        map.put(last, value);
      }
    }
    return Jcs.canonicalizeValue(json);
  }

  private static Object child(Object parent, String name) {
    Object child = parent instanceof List ? ((List<?>) parent).get(Integer.parseInt(name)) : ((Map<?, ?>) parent).get(name);
    if (child == null) {
      throw new IllegalArgumentException("no member " + name);
    }
    return child;
  }

  private static @Nullable Object mutableCopy(@Nullable Object value) {
    if (value instanceof Map) {
      Map<String, @Nullable Object> copy = new LinkedHashMap<>();
      ((Map<?, ?>) value).forEach((k, v) -> copy.put((String) k, mutableCopy(v)));
      return copy;
    }
    if (value instanceof List) {
      List<@Nullable Object> copy = new ArrayList<>();
      for (Object item : (List<?>) value) {
        copy.add(mutableCopy(item));
      }
      return copy;
    }
    return value;
  }
}
