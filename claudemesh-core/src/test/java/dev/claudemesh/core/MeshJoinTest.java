package dev.claudemesh.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MeshJoinTest {
  @ParameterizedTest(name = "{0} + answer {1} -> {2}")
  @CsvSource({
      "ws://127.0.0.1:7900/ws, ws://0.0.0.0:7900/ws, ws://127.0.0.1:7900/ws",
      "wss://mesh.example/ws, ws://10.0.0.5:7900/ws, wss://mesh.example/ws",
      "https://mesh.example, ws://10.0.0.5:7900/ws, wss://mesh.example/ws",
      "http://127.0.0.1:7900, ws://0.0.0.0:7900/socket, ws://127.0.0.1:7900/socket",
      "https://mesh.example:8443, not a url, wss://mesh.example:8443/ws"})
  void theUrlTheUserGaveWinsOverTheBrokersAnswerForSchemeAndHost(String given, String answered, String recorded)
      throws Exception {
    assertEquals(recorded, MeshJoin.webSocketUrl(given, answered));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "ws://127.0.0.1:7900/ws, http://127.0.0.1:7900",
      "wss://mesh.example/ws, https://mesh.example",
      "HTTPS://mesh.example:8443, https://mesh.example:8443"})
  void joinGoesToTheHttpBase(String url, String base) throws Exception {
    assertEquals(base, MeshJoin.httpBase(url));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"ftp://mesh.example", "mesh.example:7900", "ws://"})
  void otherUrlsAreRefusedWithTheirProblem(String url) {
    PeerException e = assertThrows(PeerException.class, () -> MeshJoin.httpBase(url));
    assertEquals(PeerException.INVALID_REQUEST, e.code());
  }
}
