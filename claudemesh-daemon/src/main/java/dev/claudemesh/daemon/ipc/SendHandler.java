package dev.claudemesh.daemon.ipc;

import dev.claudemesh.api.ErrorCodes;
import dev.claudemesh.api.Problem;
import dev.claudemesh.api.RequestRules;
import dev.claudemesh.api.Routes;
import dev.claudemesh.api.SendRequest;
import dev.claudemesh.api.SendResponse;
import dev.claudemesh.core.PeerException;
import dev.claudemesh.core.store.AcceptResult;
import dev.claudemesh.core.store.ClientMessageIds;
import java.io.IOException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * {@code POST /v1/send} (SPEC §3.3, §4.2, §4.4): reads and checks the body with the API's rules,
 * takes the id from {@code Idempotency-Key} when present (else mints one), asks the {@link
 * SendGate} (the {@code pre-send} hook), and maps the accept result to its answer. A refusal
 * before {@link SendPort#send} reaches no outbox.
 */
final class SendHandler implements RouteHandler {
  private final SendPort port;
  private final SendGate gate;

  SendHandler(SendPort port, SendGate gate) {
    this.port = port;
    this.gate = gate;
  }

  @Override
  public ApiResponse handle(ApiCall call) throws IOException {
    SendRequest request;
    try {
      request = JsonBodies.read(call, SendRequest.class);
    } catch (JsonBodies.Refused e) {
      return ApiResponse.problem(e.problem);
    }
    return accept(call, request);
  }

  /**
   * The rest of a send once the body is read, shared with {@code POST /v1/topic/post}: the
   * {@code Idempotency-Key} wins over the body's id, the API's rules, then the port.
   */
  ApiResponse accept(ApiCall call, SendRequest body) throws IOException {
    SendRequest request = body;
    String key = call.header(Routes.HEADER_IDEMPOTENCY_KEY);
    if (key != null) {
      Optional<Problem> bad = RequestRules.clientMessageId(key, Routes.HEADER_IDEMPOTENCY_KEY);
      if (bad.isPresent()) {
        return ApiResponse.problem(bad.get());
      }
      request = new SendRequest(request.to(), request.message(), request.priority(),
          request.meta(), request.replyToId(), key);
    }
    Optional<Problem> invalid = RequestRules.check(request);
    if (invalid.isPresent()) {
      return ApiResponse.problem(invalid.get());
    }
    if (request.clientMessageId() == null) {
      // minted here rather than in the core so the gate sees the id the outbox will hold
      request = new SendRequest(request.to(), request.message(), request.priority(),
          request.meta(), request.replyToId(), ClientMessageIds.mint());
    }
    Optional<Problem> refused = gate.admit(request);
    if (refused.isPresent()) {
      return ApiResponse.problem(refused.get());
    }
    AcceptResult result;
    try {
      result = port.send(request);
    } catch (PeerException e) {
      return ApiResponse.problem(peerProblem(e));
    }
    return answer(result);
  }

  /** The §4.4 answer for one accept result. */
  static ApiResponse answer(AcceptResult result) {
    String id = result.clientMessageId();
    switch (result.kind()) {
      case QUEUED:
      case PENDING_MATCH:
        return ApiResponse.json(202, SendResponse.queued(id));
      case INFLIGHT_MATCH:
        return ApiResponse.json(202, SendResponse.inflight(id));
      case DONE_MATCH:
        return ApiResponse.json(200, SendResponse.duplicate(id,
            result.brokerMessageId().orElse(null), result.historyId().orElse(null)));
      case INSUFFICIENT_STORAGE:
        return ApiResponse.problem(Problem.of(ErrorCodes.INSUFFICIENT_STORAGE,
            "the outbox is at 95 % of its byte budget; nothing was written"));
      default:
        String conflict = result.conflict().orElseThrow(() ->
            new IllegalStateException("accept result " + result.kind() + " has no conflict"));
        String prefix = result.daemonFingerprintPrefix().orElseThrow(() ->
            new IllegalStateException("accept result " + result.kind() + " has no fingerprint prefix"));
        @Nullable String brokerMessageId = result.kind() == AcceptResult.Kind.DONE_MISMATCH
            ? result.brokerMessageId().orElse(null) : null;
        @Nullable String reason = result.kind() == AcceptResult.Kind.DEAD_MATCH
            ? result.reason().orElse(null) : null;
        return ApiResponse.problem(
            Problem.idempotencyConflict(conflict, prefix, brokerMessageId, reason));
    }
  }

  /** A refusal of the peer, with its own status and stable code. */
  static Problem peerProblem(PeerException e) {
    return new Problem(ErrorCodes.title(e.httpStatus()), e.httpStatus(), e.getMessage(), e.code(),
        null, null, null, null, null);
  }
}
