package dev.claudemesh.daemon.ipc;

import dev.claudemesh.api.Problem;
import dev.claudemesh.api.RequestRules;
import dev.claudemesh.api.SendRequest;
import dev.claudemesh.api.TopicPostRequest;
import dev.claudemesh.api.TopicRequest;
import java.util.Map;
import java.util.Optional;

/**
 * The topic routes (SPEC §3.3). {@code POST /v1/topic/post} is a send to {@code #topic}: the same
 * id rules and accept answers as {@code POST /v1/send}. Its {@code mentions} are checked but not
 * carried yet. {@code subscribe} and {@code unsubscribe} answer {@code {topic, subscribed}}.
 */
final class TopicHandlers {
  private TopicHandlers() {}

  static RouteHandler post(SendPort port, SendGate gate) {
    SendHandler send = new SendHandler(port, gate);
    return call -> {
      TopicPostRequest request;
      try {
        request = JsonBodies.read(call, TopicPostRequest.class);
      } catch (JsonBodies.Refused e) {
        return ApiResponse.problem(e.problem);
      }
      Optional<Problem> invalid = RequestRules.check(request);
      if (invalid.isPresent()) {
        return ApiResponse.problem(invalid.get());
      }
      return send.accept(call, toSend(request));
    };
  }

  /** A topic post as the send it is; {@code mentions} are not carried yet. */
  static SendRequest toSend(TopicPostRequest r) {
    String to = r.topic().startsWith(RequestRules.TOPIC_PREFIX) ? r.topic()
        : RequestRules.TOPIC_PREFIX + r.topic();
    return new SendRequest(to, r.message(), r.priority(), null, null, r.clientMessageId());
  }

  static RouteHandler subscribe(TopicPort port, boolean subscribe) {
    return call -> {
      TopicRequest request;
      try {
        request = JsonBodies.read(call, TopicRequest.class);
      } catch (JsonBodies.Refused e) {
        return ApiResponse.problem(e.problem);
      }
      Optional<Problem> invalid = RequestRules.check(request);
      if (invalid.isPresent()) {
        return ApiResponse.problem(invalid.get());
      }
      return JsonBodies.peer(() -> {
        if (subscribe) {
          port.subscribe(request.topic());
        } else {
          port.unsubscribe(request.topic());
        }
        return ApiResponse.json(200, Map.of("topic", request.topic(), "subscribed", subscribe));
      });
    };
  }

  static RouteHandler list(TopicPort port) {
    return call -> JsonBodies.peer(() -> ApiResponse.json(200, port.list()));
  }

}
