package dev.claudemesh.core.events;

import java.util.List;

/** The event kinds of SPEC §3.4. */
public final class EventKinds {
  public static final String MESSAGE = "message";
  public static final String PEER_JOIN = "peer_join";
  public static final String PEER_LEAVE = "peer_leave";
  public static final String FILE_SHARED = "file_shared";
  public static final String DAEMON_DISCONNECT = "daemon_disconnect";
  public static final String DAEMON_RECONNECT = "daemon_reconnect";
  public static final String HOOK_EXECUTED = "hook_executed";
  public static final String FEATURE_NEGOTIATION_FAILED = "feature_negotiation_failed";
  public static final String OUTBOX_DEAD = "outbox_dead";
  public static final String OUTBOX_PRESSURE_HIGH = "outbox_pressure_high";
  public static final String DECRYPT_FAILED = "decrypt_failed";

  public static final List<String> ALL = List.of(MESSAGE, PEER_JOIN, PEER_LEAVE, FILE_SHARED,
      DAEMON_DISCONNECT, DAEMON_RECONNECT, HOOK_EXECUTED, FEATURE_NEGOTIATION_FAILED, OUTBOX_DEAD,
      OUTBOX_PRESSURE_HIGH, DECRYPT_FAILED);

  private EventKinds() {}
}
