package dev.claudemesh.core.broker;

import static dev.claudemesh.core.broker.BrokerTests.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.core.CapturedLogs;
import dev.claudemesh.core.protocol.Ack;
import dev.claudemesh.core.protocol.Push;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okio.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pushes reach the listener in order on one thread; bad frames are counted and dropped. */
class BrokerConnectionInboundTest {
  FakeBroker broker;
  RecordingListener listener = new RecordingListener();
  BrokerConnection connection;
  FakeBroker.Conn conn;

  @BeforeEach
  void setUp() throws Exception {
    broker = new FakeBroker();
  }

  @AfterEach
  void tearDown() {
    if (connection != null) {
      connection.close();
    }
    broker.close();
  }

  private void connect(BrokerConnection.Builder builder) throws Exception {
    connection = builder.build();
    connection.start();
    conn = broker.nextConnection();
    listener.await("connected");
  }

  /** Named malformed frames; each must be dropped without hurting the connection. */
  static Map<String, String> malformedTextFrames() {
    String mb = "x".repeat(1 << 20);
    String nested = "[".repeat(2000) + "]".repeat(2000);
    String valid = BrokerTests.pushJson("template");
    Map<String, String> frames = new java.util.LinkedHashMap<>();
    frames.put("bad JSON", "{\"type\":\"push\",");
    frames.put("not an object", "42");
    frames.put("no type", "{\"id\":\"a\"}");
    frames.put("unknown type", "{\"type\":\"launch_missiles\"}");
    frames.put("wrong type: ack id a number", "{\"type\":\"ack\",\"id\":5,\"status\":201}");
    frames.put("wrong type: status a string", "{\"type\":\"ack\",\"id\":\"a\",\"status\":\"201\"}");
    frames.put("missing fields", "{\"type\":\"push\",\"messageId\":\"m-1\"}");
    frames.put("1 MB sender name", valid.replace("\"senderName\":\"bob\"", "\"senderName\":\"" + mb + "\""));
    frames.put("1 MB message id", valid.replace("\"messageId\":\"template\"", "\"messageId\":\"" + mb + "\""));
    frames.put("invalid base64 nonce", valid.replaceFirst("\"nonce\":\"[^\"]*\"", "\"nonce\":\"!!!not base64!!!\""));
    frames.put("nonce of 12 bytes", valid.replaceFirst("\"nonce\":\"[^\"]*\"", "\"nonce\":\"AAAAAAAAAAAAAAAA\""));
    frames.put("nesting 2000 deep", nested);
    frames.put("nesting 2000 deep in meta", valid.replace("\"priority\"", "\"meta\":{\"a\":" + nested + "},\"priority\""));
    frames.put("ack for an unknown id", FakeBroker.ack("never-sent", 201));
    frames.put("a frame only clients send", "{\"type\":\"client_ack\",\"delivery_id\":\"d\",\"broker_message_id\":\"b\"}");
    frames.put("hello_ack out of turn", FakeBroker.HELLO_ACK);
    return frames;
  }

  @Test
  void malformedFramesAreCountedReportedAndDroppedWhileTheConnectionKeepsWorking() throws Exception {
    connect(BrokerTests.builder(broker, listener));
    Map<String, String> frames = malformedTextFrames();
    for (String frame : frames.values()) {
      conn.send(frame);
    }
    conn.socket().send(ByteString.of((byte) 1, (byte) 2, (byte) 3));
    conn.send(BrokerTests.pushJson("after-the-garbage"));

    Push push = RecordingListener.take(listener.pushes, "the valid push after the garbage");
    assertEquals("after-the-garbage", push.messageId());
    int expected = frames.size() + 1; // + the binary frame
    assertEquals(expected, connection.invalidFrames());
    eventually("every text frame reported", () -> listener.problems.size() == frames.size());
    List<String> problems = new ArrayList<>(listener.problems);
    assertTrue(problems.stream().anyMatch(p -> p.startsWith("not valid JSON")), problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.contains("ack for never-sent, which is not in flight")), problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.contains("launch_missiles: unknown frame type")), problems.toString());
    for (String problem : problems) {
      assertTrue(problem.length() < 300, "problems never echo contents: " + problem.length() + " chars");
    }
    assertTrue(connection.isConnected());
    assertEquals(0, connection.reconnects());

    broker.autoAck = true;
    Ack ack = connection.send(BrokerTests.dm("still-works")).get(10, TimeUnit.SECONDS);
    assertEquals(201, ack.status());
  }

  @Test
  void pushesArriveInOrderOnTheDispatchThread() throws Exception {
    connect(BrokerTests.builder(broker, listener));
    for (int i = 0; i < 200; i++) {
      conn.send(BrokerTests.pushJson("m-" + i));
    }
    for (int i = 0; i < 200; i++) {
      assertEquals("m-" + i, RecordingListener.take(listener.pushes, "push " + i).messageId());
    }
    assertEquals(1, listener.threads.stream().distinct().count(), listener.threads.stream().distinct().toList().toString());
    assertTrue(listener.threads.get(0).startsWith("claudemesh-broker-dispatch-"));
  }

  @Test
  void aThrowingListenerIsLoggedAndTheNextPushStillArrives() throws Exception {
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    BrokerListener throwing = new BrokerListener() {
      @Override
      public void onConnected(dev.claudemesh.core.protocol.HelloAck helloAck,
          dev.claudemesh.core.protocol.NegotiatedFeatures features) {
        listener.onConnected(helloAck, features);
      }

      @Override
      public void onPush(Push push) {
        seen.add(push.messageId());
        if (push.messageId().equals("boom")) {
          throw new IllegalStateException("listener bug");
        }
      }
    };
    connect(BrokerTests.builder(broker, throwing));
    conn.send(BrokerTests.pushJson("boom"));
    conn.send(BrokerTests.pushJson("fine"));
    eventually("both delivered", () -> seen.equals(List.of("boom", "fine")));
    assertFalse(CapturedLogs.linesContaining("broker listener threw from onPush; ignored").isEmpty());
    assertTrue(connection.isConnected());
  }

  @Test
  void aBusyListenerNeverStallsTheReaderAndExcessPushesAreDropped() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch firstArrived = new CountDownLatch(1);
    List<String> delivered = new java.util.concurrent.CopyOnWriteArrayList<>();
    BrokerListener slow = new BrokerListener() {
      @Override
      public void onConnected(dev.claudemesh.core.protocol.HelloAck helloAck,
          dev.claudemesh.core.protocol.NegotiatedFeatures features) {
        listener.onConnected(helloAck, features);
      }

      @Override
      public void onPush(Push push) {
        delivered.add(push.messageId());
        firstArrived.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
    connect(BrokerTests.builder(broker, slow).maxQueuedPushes(2));
    conn.send(BrokerTests.pushJson("p-0"));
    assertTrue(firstArrived.await(10, TimeUnit.SECONDS));
    for (int i = 1; i <= 9; i++) {
      conn.send(BrokerTests.pushJson("p-" + i));
    }
    // the reader thread is free: an ack completes while the listener is stuck
    broker.autoAck = true;
    CompletableFuture<Ack> ack = connection.send(BrokerTests.dm("while-busy"));
    assertEquals(201, ack.get(10, TimeUnit.SECONDS).status());
    eventually("seven of nine pushes dropped", () -> connection.droppedPushes() == 7);
    release.countDown();
    eventually("the two queued pushes delivered", () -> delivered.size() == 3);
    assertEquals(List.of("p-0", "p-1", "p-2"), delivered);
    assertEquals(0, connection.invalidFrames());
  }
}
