package dev.claudemesh.core.protocol;

import static dev.claudemesh.core.protocol.ProtocolSamples.ABSENT;
import static dev.claudemesh.core.protocol.ProtocolSamples.edited;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Named frames every implementation must reject, each with the exact message: the frame type, the
 * field and the rule, never the value.
 */
class InvalidFramesTest {
  private static final String TOPIC_CHARS = "may hold only letters, digits, '.', '_' and '-'";

  private static Arguments reject(String name, Frame base, String path, @Nullable Object value, String message) {
    return Arguments.of(name, edited(base, path, value), message, value);
  }

  private static List<String> strings(int count) {
    List<String> list = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      list.add("m-" + i);
    }
    return list;
  }

  static Stream<Arguments> invalidFrames() {
    Hello hello = ProtocolSamples.helloFull();
    SendFrame dm = ProtocolSamples.sendDmFull();
    SendFrame topic = ProtocolSamples.sendTopicMinimal();
    Ack conflict = ProtocolSamples.ackConflict();
    Push push = ProtocolSamples.pushDm();
    Push topicPush = ProtocolSamples.pushTopicFull();
    Push system = ProtocolSamples.pushSystem();
    Map<String, Object> featureWithoutParams = new LinkedHashMap<>();
    featureWithoutParams.put("params", "v1");
    Map<String, Object> tooManyFeatures = new LinkedHashMap<>();
    for (int i = 0; i < 65; i++) {
      tooManyFeatures.put("feature_" + i, Map.of("params", Map.of("version", 1.0)));
    }
    return Stream.of(
        // hello
        reject("hello without meshId", hello, "meshId", ABSENT, "hello: meshId is required"),
        reject("hello meshId as an array", hello, "meshId", List.of("mesh-1"), "hello: meshId must be a string"),
        reject("hello displayName as an object", hello, "displayName", Map.of("a", "b"),
            "hello: displayName must be a string"),
        reject("hello memberId empty", hello, "memberId", "", "hello: memberId must be 1-256 characters"),
        reject("hello memberId 257 characters", hello, "memberId", "m".repeat(257),
            "hello: memberId must be 1-256 characters"),
        reject("hello memberId with a control character", hello, "memberId", "member\u0007one",
            "hello: memberId must be printable ASCII"),
        reject("hello memberId not ASCII", hello, "memberId", "membré", "hello: memberId must be printable ASCII"),
        reject("hello pubkey upper case", hello, "pubkey", "A".repeat(64),
            "hello: pubkey must be 64 lowercase hex characters"),
        reject("hello pubkey 63 characters", hello, "pubkey", "a".repeat(63),
            "hello: pubkey must be 64 lowercase hex characters"),
        reject("hello sessionPubkey not hex", hello, "sessionPubkey", "g".repeat(64),
            "hello: sessionPubkey must be 64 lowercase hex characters"),
        reject("hello signature 126 characters", hello, "signature", "5e".repeat(63),
            "hello: signature must be 128 lowercase hex characters"),
        reject("hello pid as a string", hello, "pid", "4242", "hello: pid must be a number"),
        reject("hello pid with a fraction", hello, "pid", 42.5, "hello: pid must be an integer"),
        reject("hello pid negative", hello, "pid", -1.0, "hello: pid must not be negative"),
        reject("hello timestamp past 2^53", hello, "timestamp", 1e16, "hello: timestamp must be an integer"),
        reject("hello timestamp negative", hello, "timestamp", -1.0, "hello: timestamp must not be negative"),
        reject("hello peerType unknown", hello, "peerType", "robot",
            "hello: peerType must be one of [ai, human, connector]"),
        reject("hello protocolVersion 0", hello, "protocolVersion", 0.0, "hello: protocolVersion must be at least 1"),
        reject("hello protocolVersion that an int cast would wrap to 1", hello, "protocolVersion", -4294967295.0,
            "hello: protocolVersion must be at least 1"),
        reject("hello cwd longer than 4096", hello, "cwd", "d".repeat(4097),
            "hello: cwd is longer than 4096 characters"),
        reject("hello cwd with a control character", hello, "cwd", "/tmp/\u001b[31m",
            "hello: cwd contains a control character"),
        reject("hello capabilities not an array", hello, "capabilities", "send",
            "hello: capabilities must be an array"),
        reject("hello capabilities with a number", hello, "capabilities", List.of(1.0),
            "hello: capabilities must be an array of strings"),
        reject("hello 65 capabilities", hello, "capabilities", strings(65),
            "hello: capabilities has more than 64 entries"),
        reject("hello capability empty", hello, "capabilities", List.of(""),
            "hello: capabilities[] must be 1-256 characters"),
        // hello_ack
        reject("hello_ack without presenceId", ProtocolSamples.helloAck(), "presenceId", ABSENT,
            "hello_ack: presenceId is required"),
        reject("hello_ack protocolVersion as a string", ProtocolSamples.helloAck(), "protocolVersion", "1",
            "hello_ack: protocolVersion must be a number"),
        reject("hello_ack protocolVersion past int range", ProtocolSamples.helloAck(), "protocolVersion",
            -1099511627775.0, "hello_ack: protocolVersion must be at least 1"),
        reject("hello_ack memberDisplayName 257 characters", ProtocolSamples.helloAck(), "memberDisplayName",
            "n".repeat(257), "hello_ack: memberDisplayName is longer than 256 characters"),
        // feature negotiation
        reject("feature_negotiation_request without require", ProtocolSamples.negotiationRequestFull(), "require",
            ABSENT, "feature_negotiation_request: require is required"),
        reject("feature_negotiation_request require as an object", ProtocolSamples.negotiationRequestFull(),
            "require", Map.of(), "feature_negotiation_request: require must be an array"),
        reject("feature_negotiation_request 65 optional features", ProtocolSamples.negotiationRequestFull(),
            "optional", strings(65), "feature_negotiation_request: optional has more than 64 entries"),
        reject("feature_negotiation_request feature name with a space", ProtocolSamples.negotiationRequestFull(),
            "require", List.of("key\tepoch"), "feature_negotiation_request: require[] must be printable ASCII"),
        reject("feature_negotiation_response without supported", ProtocolSamples.negotiationResponseFull(),
            "supported", ABSENT, "feature_negotiation_response: supported is required"),
        reject("feature_negotiation_response supported as an array", ProtocolSamples.negotiationResponseFull(),
            "supported", List.of(), "feature_negotiation_response: supported must be an object"),
        reject("feature_negotiation_response feature not an object", ProtocolSamples.negotiationResponseFull(),
            "supported.key_epoch", true, "feature_negotiation_response: supported.key_epoch must be an object"),
        reject("feature_negotiation_response params not an object", ProtocolSamples.negotiationResponseFull(),
            "supported.key_epoch", featureWithoutParams,
            "feature_negotiation_response.supported.key_epoch: params must be an object"),
        reject("feature_negotiation_response feature name with a control character",
            ProtocolSamples.negotiationResponseFull(), "supported.key\u0000epoch", Map.of(),
            "feature_negotiation_response: supported feature name must be printable ASCII"),
        reject("feature_negotiation_response 65 features", ProtocolSamples.negotiationResponseFull(), "supported",
            tooManyFeatures, "feature_negotiation_response: supported has more than 64 features"),
        reject("feature_negotiation_response missing_required with a number",
            ProtocolSamples.negotiationResponseFull(), "missing_required", List.of(1.0),
            "feature_negotiation_response: missing_required must be an array of strings"),
        // send
        reject("send without id", dm, "id", ABSENT, "send: id is required"),
        reject("send without targetSpec", dm, "targetSpec", ABSENT, "send: targetSpec is required"),
        reject("send without ciphertext", topic, "ciphertext", ABSENT, "send: ciphertext is required"),
        reject("send id 257 characters", dm, "id", "i".repeat(257), "send: id must be 1-256 characters"),
        reject("send id with a newline", dm, "id", "cm\n01", "send: id must be printable ASCII"),
        reject("send targetSpec a member name", dm, "targetSpec", "alice",
            "send: targetSpec (a member pubkey, #topic or *) must be 64 lowercase hex characters"),
        reject("send targetSpec upper-case pubkey", dm, "targetSpec", ProtocolSamples.PK_B.toUpperCase(),
            "send: targetSpec (a member pubkey, #topic or *) must be 64 lowercase hex characters"),
        reject("send targetSpec empty topic", topic, "targetSpec", "#", "send: targetSpec topic must be 1-64 characters"),
        reject("send targetSpec topic of 65 characters", topic, "targetSpec", "#" + "t".repeat(65),
            "send: targetSpec topic must be 1-64 characters"),
        reject("send targetSpec topic starting with a dot", topic, "targetSpec", "#.hidden",
            "send: targetSpec topic " + TOPIC_CHARS),
        reject("send targetSpec topic starting with a dash", topic, "targetSpec", "#-x",
            "send: targetSpec topic " + TOPIC_CHARS),
        reject("send targetSpec topic with a space", topic, "targetSpec", "#a b", "send: targetSpec topic " + TOPIC_CHARS),
        reject("send targetSpec topic with a slash", topic, "targetSpec", "#team/backend",
            "send: targetSpec topic " + TOPIC_CHARS),
        reject("send targetSpec topic not ASCII", topic, "targetSpec", "#équipe", "send: targetSpec topic " + TOPIC_CHARS),
        reject("send priority unknown", dm, "priority", "urgent", "send: priority must be now, next or low"),
        reject("send priority upper case", dm, "priority", "NOW", "send: priority must be now, next or low"),
        reject("send priority as a number", dm, "priority", 1.0, "send: priority must be a string"),
        reject("send DM without nonce", dm, "nonce", ABSENT, "send: nonce is required for a direct message"),
        reject("send nonce of 16 bytes", dm, "nonce", ProtocolSamples.b64(new byte[16]), "send: nonce must be 24 bytes"),
        reject("send nonce of 25 bytes", dm, "nonce", ProtocolSamples.b64(new byte[25]), "send: nonce must be 24 bytes"),
        reject("send nonce not base64", dm, "nonce", "!".repeat(32), "send: nonce is not standard padded base64"),
        reject("send nonce in the URL-safe alphabet", dm, "nonce", "-_" + "A".repeat(30),
            "send: nonce is not standard padded base64"),
        reject("send nonce without padding", dm, "nonce", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "send: nonce is not standard padded base64"),
        reject("send nonce longer than 64 characters", dm, "nonce", "A".repeat(68),
            "send: nonce is longer than 64 characters"),
        reject("send ciphertext not base64", dm, "ciphertext", "not base64!", "send: ciphertext is not standard padded base64"),
        reject("send ciphertext with whitespace", dm, "ciphertext", "AAAA AAA",
            "send: ciphertext is not standard padded base64"),
        reject("send ciphertext oversize", topic, "ciphertext", "A".repeat(Check.MAX_CIPHERTEXT_CHARS + 4),
            "send: ciphertext is longer than " + Check.MAX_CIPHERTEXT_CHARS + " characters"),
        reject("send replyToId with a tab", dm, "replyToId", "msg\t0", "send: replyToId must be printable ASCII"),
        reject("send mentions with an object", dm, "mentions", List.of(Map.of()), "send: mentions must be an array of strings"),
        reject("send 257 mentions", dm, "mentions", strings(257), "send: mentions has more than 256 entries"),
        reject("send meta as an array", dm, "meta", List.of(), "send: meta must be an object"),
        reject("send meta as a string", dm, "meta", "{}", "send: meta must be an object"),
        reject("send client_message_id 129 characters", dm, "client_message_id", "c".repeat(129),
            "send: client_message_id must be 1-128 characters"),
        reject("send client_message_id as a number", dm, "client_message_id", 1.0,
            "send: client_message_id must be a string"),
        reject("send request_fingerprint 63 characters", dm, "request_fingerprint", "f".repeat(63),
            "send: request_fingerprint must be 64 lowercase hex characters"),
        reject("send request_fingerprint upper case", dm, "request_fingerprint", "F".repeat(64),
            "send: request_fingerprint must be 64 lowercase hex characters"),
        reject("send envelope_version empty", dm, "envelope_version", "", "send: envelope_version must be 1-256 characters"),
        reject("send destination_kind unknown", dm, "destination_kind", "group",
            "send: destination_kind must be dm, topic or queue"),
        reject("send destination_ref with a control character", dm, "destination_ref", "ref\u0000",
            "send: destination_ref contains a control character"),
        // ack
        reject("ack without id", conflict, "id", ABSENT, "ack: id is required"),
        reject("ack without status", conflict, "status", ABSENT, "ack: status is required"),
        reject("ack status as a string", conflict, "status", "409", "ack: status must be a number"),
        reject("ack status with a fraction", conflict, "status", 200.5, "ack: status must be an integer"),
        reject("ack status 99", conflict, "status", 99.0, "ack: status must be an HTTP status code"),
        reject("ack status 600", conflict, "status", 600.0, "ack: status must be an HTTP status code"),
        reject("ack status beyond int range", conflict, "status", 4294967497.0, "ack: status must be an HTTP status code"),
        reject("ack 409 without error", conflict, "error", ABSENT, "ack: error is required when status is 300 or more"),
        reject("ack 300 without error", ProtocolSamples.ackAccepted(), "status", 300.0,
            "ack: error is required when status is 300 or more"),
        reject("ack 503 without error", ProtocolSamples.ackAccepted(), "status", 503.0,
            "ack: error is required when status is 300 or more"),
        reject("ack error as a string", conflict, "error", "conflict", "ack: error must be an object"),
        reject("ack error without code", conflict, "error.code", ABSENT, "ack.error: code is required"),
        reject("ack error code 65 characters", conflict, "error.code", "e".repeat(65), "ack: error.code must be 1-64 characters"),
        reject("ack error message with a control character", conflict, "error.message", "bad\u0001",
            "ack: error.message contains a control character"),
        reject("ack error permanent as a string", conflict, "error.permanent", "yes",
            "ack.error: permanent must be a boolean"),
        reject("ack duplicate as a string", conflict, "duplicate", "true", "ack: duplicate must be a boolean"),
        reject("ack first_seen_at negative", conflict, "first_seen_at", -5.0, "ack: first_seen_at must not be negative"),
        reject("ack broker_fingerprint_prefix 15 characters", conflict, "broker_fingerprint_prefix", "0".repeat(15),
            "ack: broker_fingerprint_prefix must be 16 lowercase hex characters"),
        // push
        reject("push DM without nonce", push, "nonce", ABSENT, "push: nonce (a direct message) is required"),
        reject("push DM nonce of 23 bytes", push, "nonce", ProtocolSamples.b64(new byte[23]), "push: nonce must be 24 bytes"),
        reject("push topic nonce of 12 bytes", topicPush, "nonce", ProtocolSamples.b64(new byte[12]),
            "push: nonce must be 24 bytes"),
        reject("push topic nonce not base64", topicPush, "nonce", "????", "push: nonce is not standard padded base64"),
        reject("push without ciphertext", push, "ciphertext", ABSENT, "push: ciphertext is required"),
        reject("push without delivery_id", push, "delivery_id", ABSENT, "push: delivery_id is required"),
        reject("push without createdAt", push, "createdAt", ABSENT, "push: createdAt is required"),
        reject("push createdAt with a fraction", push, "createdAt", 1.5, "push: createdAt must be an integer"),
        reject("push senderPubkey not hex", push, "senderPubkey", "broker", "push: senderPubkey must be 64 lowercase hex characters"),
        reject("push topic with a slash", topicPush, "topic", "a/b", "push: topic " + TOPIC_CHARS),
        reject("push priority unknown", push, "priority", "high", "push: priority must be now, next or low"),
        reject("push meta as an array", push, "meta", List.of(), "push: meta must be an object"),
        reject("system push without event", system, "event", ABSENT, "push: event is required"),
        reject("system push event 65 characters", system, "event", "e".repeat(65), "push: event must be 1-64 characters"),
        reject("system push eventData as a string", system, "eventData", "joined", "push: eventData must be an object"),
        // client_ack
        reject("client_ack without delivery_id", ProtocolSamples.clientAckFull(), "delivery_id", ABSENT,
            "client_ack: delivery_id is required"),
        reject("client_ack without broker_message_id", ProtocolSamples.clientAckFull(), "broker_message_id", ABSENT,
            "client_ack: broker_message_id is required"),
        reject("client_ack broker_message_id 257 characters", ProtocolSamples.clientAckFull(), "broker_message_id",
            "b".repeat(257), "client_ack: broker_message_id must be 1-256 characters"),
        // lists
        reject("peers_list without peers", ProtocolSamples.peersList(), "peers", ABSENT, "peers_list: peers is required"),
        reject("peers_list peers of strings", ProtocolSamples.peersList(), "peers", List.of("alice"),
            "peers_list: peers must be an array of objects"),
        reject("peers_list without _reqId", ProtocolSamples.peersList(), "_reqId", ABSENT, "peers_list: _reqId is required"),
        reject("peers_list peer pubkey not hex", ProtocolSamples.peersList(), "peers.0.pubkey", "alice",
            "peers_list.peer: pubkey must be 64 lowercase hex characters"),
        reject("peers_list peer without connectedAt", ProtocolSamples.peersList(), "peers.1.connectedAt", ABSENT,
            "peers_list.peer: connectedAt is required"),
        reject("peers_list peer status 65 characters", ProtocolSamples.peersList(), "peers.0.status", "s".repeat(65),
            "peers_list.peer: status is longer than 64 characters"),
        reject("topics_list topic name starting with a dot", ProtocolSamples.topicsList(), "topics.0.name", ".x",
            "topics_list.topic: name " + TOPIC_CHARS),
        reject("topics_list topic without subscribed", ProtocolSamples.topicsList(), "topics.1.subscribed", ABSENT,
            "topics_list.topic: subscribed is required"),
        reject("topics_list subscribers negative", ProtocolSamples.topicsList(), "topics.1.subscribers", -1.0,
            "topics_list.topic: subscribers must not be negative"),
        // ok, error, requests
        reject("ok without _reqId", new Ok("r"), "_reqId", ABSENT, "ok: _reqId is required"),
        reject("ok _reqId as a number", new Ok("r"), "_reqId", 7.0, "ok: _reqId must be a string"),
        reject("error without code", new ErrorFrame("c", "m", null), "code", ABSENT, "error: code is required"),
        reject("error code 65 characters", new ErrorFrame("c", "m", null), "code", "c".repeat(65),
            "error: code must be 1-64 characters"),
        reject("error message longer than 4096", new ErrorFrame("c", "m", null), "message", "m".repeat(4097),
            "error: message is longer than 4096 characters"),
        reject("list_peers without _reqId", Request.listPeers("r"), "_reqId", ABSENT, "list_peers: _reqId is required"),
        reject("topic_create without topic", Request.topic(Request.TOPIC_CREATE, "r", "t"), "topic", ABSENT,
            "topic_create: topic is required"),
        reject("topic_join topic starting with a dash", Request.topic(Request.TOPIC_JOIN, "r", "t"), "topic", "-t",
            "topic_join: topic " + TOPIC_CHARS),
        reject("topic_leave topic as a number", Request.topic(Request.TOPIC_LEAVE, "r", "t"), "topic", 1.0,
            "topic_leave: topic must be a string"),
        reject("set_status 65 characters", new Request(Request.SET_STATUS, "r", Map.of("status", "s")), "status",
            "s".repeat(65), "set_status: status is longer than 64 characters"),
        reject("set_summary missing", new Request(Request.SET_SUMMARY, "r", Map.of("summary", "s")), "summary", ABSENT,
            "set_summary: summary is required"),
        reject("set_visible as a string", new Request(Request.SET_VISIBLE, "r", Map.of("visible", true)), "visible",
            "yes", "set_visible: visible must be a boolean"),
        reject("set_profile bio longer than 4096", ProtocolSamples.setProfileFull(), "bio", "b".repeat(4097),
            "set_profile: bio is longer than 4096 characters"),
        reject("set_profile capabilities with a number", ProtocolSamples.setProfileFull(), "capabilities",
            List.of(1.0), "set_profile: capabilities must be an array of strings"),
        reject("set_profile 65 capabilities", ProtocolSamples.setProfileFull(), "capabilities", strings(65),
            "set_profile: capabilities has more than 64 entries"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidFrames")
  void isRejectedWithAMessageNamingTheField(String name, String text, String message, @Nullable Object value) {
    InvalidFrameException e = assertThrows(InvalidFrameException.class, () -> Frames.decode(text));
    assertEquals(message, e.getMessage());
    assertEquals(message.substring(0, message.indexOf(':')).replaceAll("\\..*", ""),
        e.frameType().replaceAll("\\..*", ""));
    if (value instanceof String && ((String) value).length() >= 4) {
      assertFalse(e.getMessage().contains((String) value), "the message echoes the value");
    }
  }

  @Test
  void listLimitsTooLargeForOneFrameAreCheckedOnConstruction() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new PeersList("r", Collections.nCopies(100_001, ProtocolSamples.peerMinimal())));
    assertEquals("peers has more than 100000 entries", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new TopicsList("r", Collections.nCopies(100_001, new TopicInfo("t", false, 0))));
    assertEquals("topics has more than 100000 entries", e.getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new Request("bogus", "r", Map.of())).getMessage().contains("unknown request type"));
  }
}
