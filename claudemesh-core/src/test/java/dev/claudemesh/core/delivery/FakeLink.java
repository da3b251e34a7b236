package dev.claudemesh.core.delivery;

import dev.claudemesh.core.broker.BrokerLink;
import dev.claudemesh.core.protocol.Ack;
import dev.claudemesh.core.protocol.ClientAck;
import dev.claudemesh.core.protocol.Frame;
import dev.claudemesh.core.protocol.Request;
import dev.claudemesh.core.protocol.SendFrame;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A broker link whose answers the test decides. */
class FakeLink implements BrokerLink {
  volatile boolean connected = true;
  /** Answers a send immediately; null leaves the future open for {@link #pending}. */
  volatile Function<SendFrame, Ack> responder = f -> accepted(f, 201);
  final List<SendFrame> sent = new CopyOnWriteArrayList<>();
  final List<ClientAck> clientAcks = new CopyOnWriteArrayList<>();
  final ConcurrentHashMap<String, CompletableFuture<Ack>> pending = new ConcurrentHashMap<>();

  @Override
  public CompletableFuture<Ack> send(SendFrame frame) {
    sent.add(frame);
    if (!connected) {
      return CompletableFuture.failedFuture(new IOException("not connected"));
    }
    Function<SendFrame, Ack> r = responder;
    if (r == null) {
      CompletableFuture<Ack> future = new CompletableFuture<>();
      pending.put(frame.id(), future);
      return future;
    }
    try {
      return CompletableFuture.completedFuture(r.apply(frame));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<Frame> request(Request request) {
    return CompletableFuture.failedFuture(new IOException("not supported by the fake"));
  }

  @Override
  public boolean clientAck(ClientAck ack) {
    clientAcks.add(ack);
    return connected;
  }

  @Override
  public boolean isConnected() {
    return connected;
  }

  static Ack accepted(SendFrame f, int status) {
    return new Ack(f.id(), status, f.clientMessageId(), "b-" + f.id(), "b-" + f.id(), "h-" + f.id(),
        status == 200, true, 1L, false, null, null, null);
  }

  static Ack error(SendFrame f, int status, String code, boolean permanent) {
    return new Ack(f.id(), status, f.clientMessageId(), null, null, null, false, true, null, false,
        status == 409 ? code : null, status == 409 ? "0011223344556677" : null,
        new Ack.Error(code, "refused", permanent));
  }
}
