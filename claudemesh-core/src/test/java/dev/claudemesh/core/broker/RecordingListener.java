package dev.claudemesh.core.broker;

import dev.claudemesh.core.protocol.Frame;
import dev.claudemesh.core.protocol.HelloAck;
import dev.claudemesh.core.protocol.InvalidFrameException;
import dev.claudemesh.core.protocol.NegotiatedFeatures;
import dev.claudemesh.core.protocol.NegotiationFailure;
import dev.claudemesh.core.protocol.Push;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Records every callback, with the thread it ran on, for tests to wait on and inspect. */
final class RecordingListener implements BrokerListener {
  /** One line per callback, in order: "connected", "push messageId", "disconnected 1001 true", … */
  final BlockingQueue<String> events = new LinkedBlockingQueue<>();
  final List<String> threads = new CopyOnWriteArrayList<>();
  final BlockingQueue<Push> pushes = new LinkedBlockingQueue<>();
  final BlockingQueue<NegotiatedFeatures> connected = new LinkedBlockingQueue<>();
  final BlockingQueue<NegotiationFailure> negotiationFailures = new LinkedBlockingQueue<>();
  final BlockingQueue<BrokerFatalException> fatals = new LinkedBlockingQueue<>();
  final BlockingQueue<String> problems = new LinkedBlockingQueue<>();

  private void record(String event) {
    threads.add(Thread.currentThread().getName());
    events.add(event);
  }

  @Override
  public void onConnected(HelloAck helloAck, NegotiatedFeatures features) {
    record("connected");
    connected.add(features);
  }

  @Override
  public void onPush(Push push) {
    record("push " + push.messageId());
    pushes.add(push);
  }

  @Override
  public void onDisconnected(int code, String reason, boolean willReconnect) {
    record("disconnected " + code + " " + willReconnect);
  }

  @Override
  public void onNegotiationFailed(NegotiationFailure failure) {
    record("negotiation_failed " + failure.kind());
    negotiationFailures.add(failure);
  }

  @Override
  public void onFatal(BrokerFatalException failure) {
    record("fatal " + failure.closeCode());
    fatals.add(failure);
  }

  @Override
  public void onInvalidFrame(InvalidFrameException problem) {
    record("invalid");
    problems.add(problem.getMessage());
  }

  @Override
  public void onUnexpectedFrame(Frame frame, String problem) {
    record("unexpected " + frame.type());
    problems.add(problem);
  }

  /** Waits for the next event starting with {@code prefix}, skipping others; returns it. */
  String await(String prefix) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      String event = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (event == null) {
        throw new AssertionError("no '" + prefix + "' event within 10 s");
      }
      if (event.startsWith(prefix)) {
        return event;
      }
    }
  }

  /** The next {@code n} events, in order. */
  List<String> next(int n) throws InterruptedException {
    List<String> out = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(take(events, "event " + (i + 1) + " of " + n + " (got " + out + ")"));
    }
    return out;
  }

  static <T> T take(BlockingQueue<T> queue, String what) throws InterruptedException {
    T item = queue.poll(10, TimeUnit.SECONDS);
    if (item == null) {
      throw new AssertionError("no " + what + " within 10 s");
    }
    return item;
  }
}
