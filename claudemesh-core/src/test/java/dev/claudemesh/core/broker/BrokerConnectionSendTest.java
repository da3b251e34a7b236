package dev.claudemesh.core.broker;

import static dev.claudemesh.core.broker.BrokerTests.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.core.protocol.Ack;
import dev.claudemesh.core.protocol.ClientAck;
import dev.claudemesh.core.protocol.Frame;
import dev.claudemesh.core.protocol.Ok;
import dev.claudemesh.core.protocol.PeersList;
import dev.claudemesh.core.protocol.Request;
import dev.claudemesh.core.protocol.SendFrame;
import dev.claudemesh.core.protocol.TopicsList;
import java.io.IOException;
import java.net.ProtocolException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pipelined sends, ack correlation and timeouts, requests and their errors, client_ack. */
class BrokerConnectionSendTest {
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

  private static Throwable failure(CompletableFuture<?> future) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS));
    return e.getCause();
  }

  @Test
  void hundredSendsAreWrittenBeforeAnyAckAndEachGetsItsOwnAck() throws Exception {
    connect(BrokerTests.builder(broker, listener));
    List<CompletableFuture<Ack>> futures = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      String id = "msg-" + i;
      ids.add(id);
      futures.add(connection.send(BrokerTests.dm(id)));
    }
    List<String> written = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      written.add(conn.next(SendFrame.class).id());
    }
    assertEquals(ids, written, "all 100 written with no ack sent yet");
    assertEquals(100, connection.inflightSends());

    List<String> shuffled = new ArrayList<>(ids);
    Collections.shuffle(shuffled, new Random(7));
    for (String id : shuffled) {
      conn.send(FakeBroker.ack(id, id.endsWith("3") ? 200 : 201));
    }
    for (int i = 0; i < 100; i++) {
      Ack ack = futures.get(i).get(10, TimeUnit.SECONDS);
      assertEquals(ids.get(i), ack.id());
      assertEquals("b-" + ids.get(i), ack.brokerMessageId());
      assertEquals(ids.get(i).endsWith("3"), ack.duplicate());
    }
    assertEquals(0, connection.inflightSends());
    assertEquals(0, connection.invalidFrames());
  }

  @Test
  void futuresCompleteOnTheConnectionsTimerThread() throws Exception {
    connect(BrokerTests.builder(broker, listener));
    CompletableFuture<String> thread = connection.send(BrokerTests.dm("t-1"))
        .thenApply(ack -> Thread.currentThread().getName());
    conn.next(SendFrame.class);
    conn.send(FakeBroker.ack("t-1", 201));
    String name = thread.get(10, TimeUnit.SECONDS);
    assertTrue(name.startsWith("claudemesh-broker-timer-"), name);
  }

  @Test
  void anUnansweredSendTimesOutNamingItsIdAndElapsedTime() throws Exception {
    connect(BrokerTests.builder(broker, listener).ackTimeout(Duration.ofMillis(200)));
    Throwable cause = failure(connection.send(BrokerTests.dm("slow-1")));
    BrokerTimeoutException timeout = assertInstanceOf(BrokerTimeoutException.class, cause);
    assertEquals("slow-1", timeout.id());
    assertTrue(timeout.elapsed().toMillis() >= 200, timeout.elapsed().toString());
    assertTrue(timeout.getMessage().startsWith("no ack for send slow-1 from " + broker.url() + " within 200 ms ("),
        timeout.getMessage());
    assertTrue(timeout.getMessage().contains(" ms elapsed"), timeout.getMessage());
    assertEquals(0, connection.inflightSends());
    // a late ack is then unexpected, not an error
    conn.send(FakeBroker.ack("slow-1", 201));
    eventually("late ack counted", () -> connection.invalidFrames() == 1);
    assertTrue(connection.isConnected());
  }

  @Test
  void aDisconnectFailsEveryPendingSendAndRequest() throws Exception {
    connect(BrokerTests.builder(broker, listener));
    CompletableFuture<Ack> a = connection.send(BrokerTests.dm("p-1"));
    CompletableFuture<Ack> b = connection.send(BrokerTests.dm("p-2"));
    CompletableFuture<Frame> peers = connection.request(Request.listPeers("r-1"));
    conn.next(Request.class);
    conn.socket().close(1001, "broker shutdown");
    for (CompletableFuture<?> f : List.of(a, b, peers)) {
      Throwable cause = failure(f);
      assertInstanceOf(IOException.class, cause);
      assertTrue(cause.getMessage().startsWith("connection to " + broker.url() + " ended (code 1001, broker shutdown) before the "),
          cause.getMessage());
    }
    assertEquals(0, connection.inflightSends());
  }

  @Test
  void notConnectedFailsFastSayingWhenTheNextAttemptIs() throws Exception {
    connection = BrokerTests.builder(broker, listener).backoffMin(Duration.ofSeconds(20))
        .backoffMax(Duration.ofSeconds(20)).build();
    Throwable early = failure(connection.send(BrokerTests.dm("x-0")));
    assertEquals("not connected to " + broker.url() + "; start() was not called", early.getMessage());
    connection.start();
    conn = broker.nextConnection();
    listener.await("connected");
    conn.socket().close(1001, "restarting");
    listener.await("disconnected");
    Throwable cause = failure(connection.send(BrokerTests.dm("x-1")));
    assertInstanceOf(IOException.class, cause);
    assertTrue(cause.getMessage().matches("not connected to \\Q" + broker.url()
        + "\\E \\(last close: code 1001 restarting\\); reconnecting in 20 s"), cause.getMessage());
    assertFalse(connection.clientAck(new ClientAck("d-1", null, "b-1")));
    connection.close();
    assertTrue(failure(connection.send(BrokerTests.dm("x-2"))).getMessage().endsWith("; the connection was closed"));
  }

  @Test
  void aSecondSendWithAnIdInFlightIsRefused() throws Exception {
    connect(BrokerTests.builder(broker, listener));
    CompletableFuture<Ack> first = connection.send(BrokerTests.dm("dup-1"));
    Throwable cause = failure(connection.send(BrokerTests.dm("dup-1")));
    assertInstanceOf(IllegalStateException.class, cause);
    assertTrue(cause.getMessage().startsWith("send dup-1 is already in flight"), cause.getMessage());
    conn.next(SendFrame.class);
    conn.send(FakeBroker.ack("dup-1", 201));
    assertEquals(201, first.get(10, TimeUnit.SECONDS).status());
    assertFalse(connection.send(BrokerTests.dm("dup-1")).isDone(), "an answered id may be sent again");
  }

  @Test
  void requestsAreAnsweredByReqIdAndErrorsBecomeBrokerErrorException() throws Exception {
    connect(BrokerTests.builder(broker, listener));
    CompletableFuture<Frame> peers = connection.request(Request.listPeers("r-1"));
    CompletableFuture<Frame> topics = connection.request(Request.topicList("r-2"));
    CompletableFuture<Frame> join = connection.request(Request.topic(Request.TOPIC_JOIN, "r-3", "general"));
    CompletableFuture<Frame> create = connection.request(Request.topic(Request.TOPIC_CREATE, "r-4", "general"));
    CompletableFuture<Frame> wrong = connection.request(Request.topic(Request.TOPIC_LEAVE, "r-5", "general"));
    conn.send("{\"type\":\"error\",\"_reqId\":\"r-4\",\"code\":\"topic_exists\",\"message\":\"already there\"}");
    conn.send("{\"type\":\"ok\",\"_reqId\":\"r-3\"}");
    conn.send("{\"type\":\"topics_list\",\"_reqId\":\"r-2\",\"topics\":[{\"name\":\"general\",\"subscribed\":true}]}");
    conn.send("{\"type\":\"peers_list\",\"_reqId\":\"r-1\",\"peers\":[{\"pubkey\":\"" + BrokerTests.PEER_PUBKEY
        + "\",\"memberId\":\"member-2\",\"displayName\":\"bob\",\"connectedAt\":1}]}");
    conn.send("{\"type\":\"peers_list\",\"_reqId\":\"r-5\",\"peers\":[]}");

    assertEquals("member-2", ((PeersList) peers.get(10, TimeUnit.SECONDS)).peers().get(0).memberId());
    assertEquals("general", ((TopicsList) topics.get(10, TimeUnit.SECONDS)).topics().get(0).name());
    assertEquals(new Ok("r-3"), join.get(10, TimeUnit.SECONDS));
    BrokerErrorException error = assertInstanceOf(BrokerErrorException.class, failure(create));
    assertEquals("topic_exists", error.code());
    assertEquals("topic_exists: already there", error.getMessage());
    assertInstanceOf(ProtocolException.class, failure(wrong));

    conn.send("{\"type\":\"error\",\"_reqId\":\"r-99\",\"code\":\"nope\",\"message\":\"\"}");
    conn.send("{\"type\":\"error\",\"code\":\"rate_limited\",\"message\":\"slow down\"}");
    eventually("error for an unknown _reqId counted", () -> connection.invalidFrames() == 1);
    assertTrue(connection.isConnected());
  }

  @Test
  void requestTimesOut() throws Exception {
    connect(BrokerTests.builder(broker, listener).ackTimeout(Duration.ofMillis(150)));
    BrokerTimeoutException timeout = assertInstanceOf(BrokerTimeoutException.class,
        failure(connection.request(Request.listPeers("r-slow"))));
    assertTrue(timeout.getMessage().startsWith("no answer for list_peers r-slow from "), timeout.getMessage());
  }

  @Test
  void clientAckIsWrittenWhenConnected() throws Exception {
    connect(BrokerTests.builder(broker, listener));
    assertTrue(connection.clientAck(new ClientAck("d-1", "c-1", "b-1")));
    ClientAck written = conn.next(ClientAck.class);
    assertEquals("d-1", written.deliveryId());
  }
}
