package dev.claudemesh.daemon.ipc;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The one Jetty handler behind both connectors: turns the request into an {@link ApiCall} with its
 * transport, lets the {@link IpcDispatcher} answer, and writes the answer with the headers every
 * answer carries. It never sets {@code Access-Control-Allow-Origin}. A streaming answer gets its
 * status and headers here, then its {@link ResponseStream} writes through Jetty's non-blocking
 * {@code Response.write}, so a stream holds no thread while it waits.
 */
final class JettyAdapter extends Handler.Abstract {
  private final IpcDispatcher dispatcher;
  private final Connector unixConnector;

  JettyAdapter(IpcDispatcher dispatcher, Connector unixConnector) {
    super(InvocationType.BLOCKING);
    this.dispatcher = dispatcher;
    this.unixConnector = unixConnector;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    Transport transport = request.getConnectionMetaData().getConnector() == unixConnector
        ? Transport.UDS : Transport.TCP;
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (HttpField field : request.getHeaders()) {
      headers.computeIfAbsent(field.getName().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(field.getValue());
    }
    String path = request.getHttpURI().getPath();
    ApiCall call = new ApiCall(transport, request.getMethod(), path == null ? "/" : path,
        request.getHttpURI().getQuery(), headers, new byte[0]);
    ApiResponse answer = dispatcher.dispatch(call, request.getLength(),
        () -> Content.Source.asInputStream(request));
    ResponseStream stream = answer.stream();
    if (stream == null) {
      write(response, answer, callback);
      return true;
    }
    head(response, answer);
    // a client that goes away, or a connection that fails, ends the stream at once
    request.addFailureListener(stream::fail);
    stream.start(new ResponseStream.Sink() {
      @Override
      public void write(ByteBuffer bytes, Callback done) {
        response.write(false, bytes, done);
      }

      @Override
      public void end() {
        callback.succeeded();
      }

      @Override
      public void abort(Throwable cause) {
        callback.failed(cause);
      }
    });
    return true;
  }

  static void write(Response response, ApiResponse answer, Callback callback) {
    head(response, answer);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, answer.body().length);
    response.write(true, ByteBuffer.wrap(answer.body()), callback);
  }

  /** Status and the headers of every answer; a streaming answer has no length. */
  private static void head(Response response, ApiResponse answer) {
    response.setStatus(answer.status());
    HttpFields.Mutable out = response.getHeaders();
    out.put(HttpHeader.CONTENT_TYPE, answer.contentType());
    out.put("X-Content-Type-Options", "nosniff");
    out.put(HttpHeader.CACHE_CONTROL, "no-store");
    answer.headers().forEach(out::put);
  }
}
