package dev.claudemesh.daemon.cli;

import dev.claudemesh.api.ApiJson;
import dev.claudemesh.api.Problem;
import dev.claudemesh.api.Routes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jspecify.annotations.Nullable;

/**
 * The command line's way to a running daemon: HTTP/1.1 over {@code daemon.sock} (Jetty's client
 * with its Unix-domain transport), no token needed. Whether a daemon runs is decided by asking it (SPEC
 * §10.1: connect, do not trust the pid file).
 */
final class DaemonClient implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Path socket;
  private final HttpClient http;
  private final Transport transport;

  private DaemonClient(Path socket, HttpClient http) {
    this.socket = socket;
    this.http = http;
    this.transport = new Transport.TCPUnix(socket);
  }

  /** A client for the daemon on {@code socket}; nothing is connected until the first request. */
  static DaemonClient open(Path socket) throws IOException {
    Objects.requireNonNull(socket, "socket == null");
    QueuedThreadPool threads = new QueuedThreadPool(8, 1);
    threads.setName("claudemesh-cli-http");
    threads.setDaemon(true);
    ClientConnector connector = new ClientConnector();
    connector.setExecutor(threads);
    HttpClient http = new HttpClient(new HttpClientTransportOverHTTP(connector));
    http.setExecutor(threads);
    http.setFollowRedirects(false);
    http.setUserAgentField(null);
    try {
      http.start();
    } catch (Exception e) {
      throw new IOException("cannot start the HTTP client: " + e.getMessage(), e);
    }
    return new DaemonClient(socket, http);
  }

  Path socket() {
    return socket;
  }

  /** One answer: status, media type and body text. */
  record Answer(int status, @Nullable String contentType, String body) {
    boolean ok() {
      return status >= 200 && status < 300;
    }

    <T> T as(Class<T> type) {
      return ApiJson.fromJson(body, type);
    }

    /** The problem+json of an error answer, or a synthetic one when the body is not one. */
    Problem problem() {
      try {
        return ApiJson.fromJson(body, Problem.class);
      } catch (RuntimeException e) {
        return Problem.of("internal_error", "HTTP " + status);
      }
    }

    @Override
    public String toString() {
      return "Answer{" + status + ", " + body.length() + " chars}";
    }
  }

  /**
   * Whether a daemon answers {@code GET /v1/version} on the socket.
   */
  boolean answers() {
    try {
      return get(Routes.VERSION).status() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  Answer get(String pathAndQuery) throws IOException {
    return send(request(pathAndQuery).method("GET"));
  }

  Answer post(String path, @Nullable Object body, Map<String, String> headers) throws IOException {
    Request request = request(path).method("POST");
    request.headers(h -> headers.forEach(h::put));
    request.body(new StringRequestContent(Routes.MEDIA_JSON,
        body == null ? "{}" : ApiJson.toJson(body), StandardCharsets.UTF_8));
    return send(request);
  }

  private Request request(String pathAndQuery) {
    return http.newRequest("http://localhost" + pathAndQuery).transport(transport);
  }

  private Answer send(Request request) throws IOException {
    try {
      ContentResponse response = request.timeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).send();
      return new Answer(response.getStatus(), response.getMediaType(),
          response.getContentAsString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (TimeoutException e) {
      throw new IOException("the daemon on " + socket + " did not answer within "
          + TIMEOUT.toSeconds() + " s", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IOException("no daemon answers on " + socket + " ("
          + cause.getClass().getSimpleName() + ")", cause);
    }
  }

  @Override
  public void close() {
    try {
      http.stop();
    } catch (Exception e) {
      // closing a client that failed to connect is best effort
    }
  }

  @Override
  public String toString() {
    return "DaemonClient{" + socket + "}";
  }
}
