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
 * answer carries. It never sets {@code Access-Control-Allow-Origin}.
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
    write(response, answer, callback);
    return true;
  }

  static void write(Response response, ApiResponse answer, Callback callback) {
    response.setStatus(answer.status());
    HttpFields.Mutable out = response.getHeaders();
    out.put(HttpHeader.CONTENT_TYPE, answer.contentType());
    out.put("X-Content-Type-Options", "nosniff");
    out.put(HttpHeader.CACHE_CONTROL, "no-store");
    answer.headers().forEach(out::put);
    out.put(HttpHeader.CONTENT_LENGTH, answer.body().length);
    response.write(true, ByteBuffer.wrap(answer.body()), callback);
  }
}
