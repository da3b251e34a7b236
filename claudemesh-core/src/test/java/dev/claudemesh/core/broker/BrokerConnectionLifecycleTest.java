package dev.claudemesh.core.broker;

import static dev.claudemesh.core.broker.BrokerTests.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.core.CapturedLogs;
import dev.claudemesh.core.protocol.Ack;
import dev.claudemesh.core.protocol.CloseCodes;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Keepalive, the silence watchdog, close() and the threads it must stop. */
class BrokerConnectionLifecycleTest {
  FakeBroker broker;
  RecordingListener listener = new RecordingListener();
  BrokerConnection connection;

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

  /** Live threads the client side may start: ours, and OkHttp's dispatcher threads. */
  private static Set<Thread> clientThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
        .filter(t -> t.getName().startsWith("claudemesh-broker-") || t.getName().startsWith("OkHttp Dispatcher")
            || t.getName().startsWith("OkHttp ws:") || t.getName().startsWith("OkHttp http:"))
        .collect(Collectors.toSet());
  }

  /** Names of client threads alive now that were not alive in {@code before}. */
  private static List<String> newThreads(Set<Thread> before) {
    return clientThreads().stream().filter(t -> !before.contains(t)).map(Thread::getName).sorted()
        .collect(Collectors.toList());
  }

  @Test
  void aSilentBrokerIsDroppedAndReconnectedByTheWatchdog() throws Exception {
    connection = BrokerTests.builder(broker, listener).pingInterval(Duration.ZERO)
        .silenceTimeout(Duration.ofMillis(300)).build();
    connection.start();
    broker.nextConnection();
    listener.await("connected");
    // the fake broker says nothing after the negotiation and no pings are sent
    assertEquals("disconnected 1006 true", listener.await("disconnected"));
    broker.nextConnection();
    listener.await("connected");
    assertTrue(connection.reconnectsByReason().get("silence") >= 1, connection.reconnectsByReason().toString());
    assertFalse(CapturedLogs.linesContaining("(silence timeout 300 ms); dropping the socket").isEmpty());
  }

  @Test
  void pongsCountAsHeardSoAnIdleConnectionSurvives() throws Exception {
    connection = BrokerTests.builder(broker, listener).pingInterval(Duration.ofMillis(100))
        .silenceTimeout(Duration.ofMillis(250)).build();
    connection.start();
    broker.nextConnection();
    listener.await("connected");
    Thread.sleep(1500); // six silence timeouts with nothing but ping/pong on the wire
    assertTrue(connection.isConnected());
    assertEquals(0, connection.reconnects(), connection.reconnectsByReason().toString());
    assertEquals(1, broker.upgrades.get());
  }

  @Test
  void silenceShorterThanTwoPingIntervalsIsClampedWithAWarning() {
    connection = BrokerTests.builder(broker, listener).pingInterval(Duration.ofSeconds(30))
        .silenceTimeout(Duration.ofSeconds(40)).build();
    assertFalse(CapturedLogs.linesContaining("silenceTimeout 40000 ms is shorter than two ping intervals").isEmpty());
  }

  @Test
  void closeLeavesNoThreadBehind() throws Exception {
    Set<Thread> before = clientThreads();
    connection = BrokerTests.builder(broker, listener).build();
    connection.start();
    FakeBroker.Conn conn = broker.nextConnection();
    listener.await("connected");
    broker.autoAck = true;
    connection.send(BrokerTests.dm("one")).get(10, TimeUnit.SECONDS);
    CompletableFuture<Ack> pending = connection.request(dev.claudemesh.core.protocol.Request.listPeers("r-1"))
        .thenApply(frame -> null);
    assertTrue(newThreads(before).stream().anyMatch(name -> name.startsWith("claudemesh-broker-dispatch-")),
        newThreads(before).toString());
    assertTrue(newThreads(before).stream().anyMatch(name -> name.startsWith("claudemesh-broker-timer-")));

    connection.close();
    assertTrue(conn.awaitClose().startsWith("1000 closed by the client"));
    ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(10, TimeUnit.SECONDS));
    assertTrue(e.getCause().getMessage().contains("closed by the client"), e.getCause().getMessage());
    assertEquals("disconnected " + CloseCodes.NORMAL + " false", listener.await("disconnected"));
    eventually("no thread left behind", () -> newThreads(before).isEmpty());
    assertFalse(connection.isConnected());
    connection.close(); // idempotent
  }

  @Test
  void closeLeavesASuppliedClientRunning() throws Exception {
    OkHttpClient shared = new OkHttpClient();
    try {
      connection = BrokerTests.builder(broker, listener).client(shared).build();
      connection.start();
      broker.nextConnection();
      listener.await("connected");
      connection.close();
      assertFalse(shared.dispatcher().executorService().isShutdown());
    } finally {
      shared.dispatcher().executorService().shutdown();
      shared.connectionPool().evictAll();
    }
  }

  @Test
  void closeDuringBackoffStopsReconnecting() throws Exception {
    broker.failHandshake = true;
    connection = BrokerTests.builder(broker, listener).backoffMin(Duration.ofMillis(200))
        .backoffMax(Duration.ofMillis(200)).build();
    connection.start();
    eventually("first attempt", () -> broker.upgrades.get() == 1);
    connection.close();
    Thread.sleep(500);
    assertEquals(1, broker.upgrades.get());
  }

  @Test
  void aListenerMayCloseTheConnectionFromItsCallback() throws Exception {
    Set<Thread> before = clientThreads();
    BrokerConnection[] holder = new BrokerConnection[1];
    BrokerListener closing = new BrokerListener() {
      @Override
      public void onFatal(BrokerFatalException failure) {
        holder[0].close(); // on the dispatch thread itself: must not wait for itself
        listener.onFatal(failure);
      }
    };
    connection = BrokerTests.builder(broker, closing).build();
    holder[0] = connection;
    connection.start();
    FakeBroker.Conn conn = broker.nextConnection();
    eventually("connected", connection::isConnected);
    conn.socket().close(CloseCodes.REPLACED_BY_NEWER_CONNECTION, "replaced_by_newer_connection");
    assertEquals(CloseCodes.REPLACED_BY_NEWER_CONNECTION, RecordingListener.take(listener.fatals, "onFatal").closeCode());
    eventually("no thread left behind", () -> newThreads(before).isEmpty());
  }

  @Test
  void backoffResetsAfterASuccessfulNegotiation() throws Exception {
    broker.failHandshake = true;
    connection = BrokerTests.builder(broker, listener).build();
    connection.start();
    eventually("a few failed attempts", () -> broker.upgrades.get() >= 3);
    assertTrue(connection.backoff().attempt() >= 2);
    broker.failHandshake = false;
    listener.await("connected");
    assertEquals(0, connection.backoff().attempt());
  }
}
