package dev.claudemesh.core.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.claudemesh.core.protocol.CloseCodes;
import dev.claudemesh.core.protocol.Push;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The close-code policy of SPEC §7.6 and the member_revoked push. */
class BrokerConnectionCloseCodeTest {
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

  private FakeBroker.Conn connect() throws Exception {
    connection = BrokerTests.builder(broker, listener).build();
    connection.start();
    FakeBroker.Conn conn = broker.nextConnection();
    listener.await("connected");
    return conn;
  }

  @ParameterizedTest(name = "close code {0} is fatal")
  @ValueSource(ints = {CloseCodes.REVOKED, CloseCodes.REPLACED_BY_NEWER_CONNECTION,
      CloseCodes.MEMBER_ALREADY_CONNECTED})
  void fatalCloseCodesStopForGood(int code) throws Exception {
    FakeBroker.Conn conn = connect();
    conn.socket().close(code, "policy says so");
    assertEquals(List.of("disconnected " + code + " false", "fatal " + code), listener.next(2));
    BrokerFatalException fatal = RecordingListener.take(listener.fatals, "onFatal");
    assertEquals(code, fatal.closeCode());
    assertEquals("policy says so", fatal.reason());
    assertTrue(fatal.getMessage().contains("close code " + code), fatal.getMessage());
    Thread.sleep(400); // four times the largest backoff
    assertEquals(1, broker.upgrades.get(), "no reconnect after close code " + code);
    assertFalse(connection.isConnected());
    assertEquals(0, connection.reconnects());
  }

  @ParameterizedTest(name = "close code {0} reconnects")
  @ValueSource(ints = {CloseCodes.GOING_AWAY, CloseCodes.KICKED, CloseCodes.NORMAL, CloseCodes.INTERNAL_ERROR})
  void otherCloseCodesReconnect(int code) throws Exception {
    FakeBroker.Conn conn = connect();
    conn.socket().close(code, "bye");
    assertEquals("disconnected " + code + " true", listener.await("disconnected"));
    broker.nextConnection();
    listener.await("connected");
    assertTrue(connection.isConnected());
    assertEquals(1L, connection.reconnectsByReason().get("close_" + code));
    assertTrue(listener.fatals.isEmpty());
  }

  @Test
  void policyCloseReconnectsOnlyAfterTheFloor() throws Exception {
    connection = BrokerTests.builder(broker, listener).policyReconnectFloor(Duration.ofMillis(600)).build();
    connection.start();
    FakeBroker.Conn conn = broker.nextConnection();
    listener.await("connected");
    long closedAt = System.nanoTime();
    conn.socket().close(CloseCodes.POLICY_VIOLATION, "clock_skew");
    assertEquals("disconnected 1008 true", listener.await("disconnected"));
    broker.nextConnection();
    listener.await("connected");
    long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closedAt);
    assertTrue(waitedMs >= 600, "reconnected after " + waitedMs + " ms, before the 600 ms floor");
    assertTrue(listener.fatals.isEmpty());
    assertEquals(1L, connection.reconnectsByReason().get("close_1008"));
  }

  @Test
  void memberRevokedPushAboutThisMemberStopsAsRevoked() throws Exception {
    FakeBroker.Conn conn = connect();
    conn.send(BrokerTests.systemPush("sys-1", "member_revoked", "{\"memberId\":\"" + BrokerTests.MEMBER + "\"}"));
    assertEquals(List.of("push sys-1", "disconnected 4002 false", "fatal 4002"), listener.next(3));
    assertTrue(conn.awaitClose().startsWith("1000 member_revoked"));
    assertEquals(CloseCodes.REVOKED, connection.fatalFailure().orElseThrow().closeCode());
    Thread.sleep(400);
    assertEquals(1, broker.upgrades.get());
  }

  @Test
  void memberRevokedPushAboutAnotherMemberIsJustAPush() throws Exception {
    FakeBroker.Conn conn = connect();
    conn.send(BrokerTests.systemPush("sys-2", "member_revoked", "{\"memberId\":\"member-9\"}"));
    Push push = RecordingListener.take(listener.pushes, "the system push");
    assertEquals("member_revoked", push.event());
    assertTrue(connection.isConnected());
    assertTrue(connection.fatalFailure().isEmpty());
  }
}
