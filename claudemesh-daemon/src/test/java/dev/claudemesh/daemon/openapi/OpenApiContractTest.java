package dev.claudemesh.daemon.openapi;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.api.Routes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contract refuses what the conformance test must catch: it is not a rubber stamp. */
class OpenApiContractTest {
  private static OpenApiContract contract;

  @BeforeAll
  static void load() throws Exception {
    contract = OpenApiContract.load();
  }

  private static RawHttp.Reply reply(int status, String contentType, String body,
      String... headers) {
    Map<String, List<String>> h = new java.util.LinkedHashMap<>();
    h.put("content-type", List.of(contentType));
    for (int i = 0; i < headers.length; i += 2) {
      h.put(headers[i].toLowerCase(java.util.Locale.ROOT), List.of(headers[i + 1]));
    }
    return new RawHttp.Reply(status, h, body);
  }

  @Test
  void aConformingAnswerPasses() {
    contract.check("GET", Routes.SEND,
        reply(405, Routes.MEDIA_PROBLEM_JSON, "{\"title\":\"Method Not Allowed\",\"status\":405,"
            + "\"error\":\"method_not_allowed\"}", "Allow", "POST"));
    contract.check("POST", Routes.SEND, reply(202, "application/json;charset=utf-8",
        "{\"client_message_id\":\"k\",\"status\":\"queued\"}"));
  }

  @Test
  void anUndocumentedStatusFails() {
    AssertionError e = assertThrows(AssertionError.class, () -> contract.check("GET",
        Routes.VERSION, reply(409, Routes.MEDIA_PROBLEM_JSON,
            "{\"title\":\"Conflict\",\"status\":409,\"error\":\"idempotency_key_reused\"}")));
    assertTrue(e.getMessage().contains("does not list"), e.getMessage());
  }

  @Test
  void anUndocumentedMemberOrAWrongTypeFails() {
    assertThrows(AssertionError.class, () -> contract.check("POST", Routes.SEND,
        reply(202, Routes.MEDIA_JSON, "{\"client_message_id\":\"k\",\"extra\":1}")));
    assertThrows(AssertionError.class, () -> contract.check("POST", Routes.SEND,
        reply(202, Routes.MEDIA_JSON, "{\"client_message_id\":7}")));
    assertThrows(AssertionError.class, () -> contract.check("POST", Routes.SEND,
        reply(409, Routes.MEDIA_PROBLEM_JSON, "{\"title\":\"Conflict\",\"status\":409,"
            + "\"error\":\"idempotency_key_reused\",\"conflict\":\"made_up\"}")));
  }

  @Test
  void anUndocumentedMediaTypeOrAMissingHeaderFails() {
    assertThrows(AssertionError.class, () -> contract.check("GET", Routes.VERSION,
        reply(200, "text/plain", "v1")));
    assertThrows(AssertionError.class, () -> contract.check("GET", Routes.METRICS,
        reply(200, "text/plain", "cm_daemon_connected 1\n")));
    assertThrows(AssertionError.class, () -> contract.check("GET", Routes.VERSION,
        reply(429, Routes.MEDIA_PROBLEM_JSON, "{\"title\":\"Too Many Requests\",\"status\":429,"
            + "\"error\":\"rate_limited\"}")));
  }

  @Test
  void anEventFrameOfAnUnknownKindOrWithoutTsFails() {
    assertThrows(AssertionError.class, () -> contract.check("GET", Routes.EVENTS,
        reply(200, Routes.MEDIA_EVENT_STREAM, "id: 1\nevent: gossip\ndata: {\"ts\":1}\n\n")));
    assertThrows(AssertionError.class, () -> contract.check("GET", Routes.EVENTS,
        reply(200, Routes.MEDIA_EVENT_STREAM, "id: 1\nevent: message\ndata: {}\n\n")));
    contract.check("GET", Routes.EVENTS,
        reply(200, Routes.MEDIA_EVENT_STREAM, ": stream open\n\nid: 1\nevent: message\n"
            + "data: {\"ts\":1}\n\n"));
  }
}
