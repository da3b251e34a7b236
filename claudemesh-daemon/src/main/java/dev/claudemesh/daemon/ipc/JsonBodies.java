package dev.claudemesh.daemon.ipc;

import dev.claudemesh.api.ApiJson;
import dev.claudemesh.api.ApiJsonException;
import dev.claudemesh.api.ErrorCodes;
import dev.claudemesh.api.Problem;
import dev.claudemesh.api.Routes;
import dev.claudemesh.core.PeerException;
import java.io.IOException;
import java.util.Locale;

/** What the JSON body routes share: media type, the strict reader, and peer refusals. */
final class JsonBodies {
  private JsonBodies() {}

  /** A refusal of the request, answered as its problem. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    final transient Problem problem;

    Refused(Problem problem) {
      super(problem.detail(), null, false, false);
      this.problem = problem;
    }
  }

  /**
   * The body as {@code type}, after the media type check (415) and the strict reader (400).
   *
   * @throws Refused with the problem to answer
   */
  static <T> T read(ApiCall call, Class<T> type) throws Refused {
    String contentType = call.header("Content-Type");
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).trim()
        .matches("application/json\\s*(;.*)?")) {
      throw new Refused(Problem.of(ErrorCodes.UNSUPPORTED_MEDIA_TYPE,
          "the body must be " + Routes.MEDIA_JSON));
    }
    try {
      return ApiJson.fromJson(ApiJson.decodeUtf8(call.body()), type);
    } catch (ApiJsonException e) {
      throw new Refused(e.problem());
    }
  }

  /** One call to the peer. */
  @FunctionalInterface
  interface PeerCall {
    ApiResponse call() throws PeerException, IOException;
  }

  /** The answer of {@code call}, or a peer refusal with its own status and code. */
  static ApiResponse peer(PeerCall call) throws IOException {
    try {
      return call.call();
    } catch (PeerException e) {
      return ApiResponse.problem(SendHandler.peerProblem(e));
    }
  }
}
