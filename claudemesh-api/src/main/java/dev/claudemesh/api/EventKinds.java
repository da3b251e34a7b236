package dev.claudemesh.api;

import java.util.List;

/** The {@code event} names of the {@code /v1/events} stream (SPEC §3.4). */
public final class EventKinds {
  private EventKinds() {}

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

  /**
   * Sent first on a stream whose {@code Last-Event-ID} is older than the replay ring holds: the
   * events in between are lost ({@code data} carries {@code last_event_id} and {@code
   * oldest_event_id}). §3.4 asks the daemon to say so; this is how.
   */
  public static final String REPLAY_GAP = "replay_gap";

  /** The §3.4 kinds, in SPEC order. */
  public static final List<String> ALL = List.of(
      MESSAGE, PEER_JOIN, PEER_LEAVE, FILE_SHARED, DAEMON_DISCONNECT, DAEMON_RECONNECT,
      HOOK_EXECUTED, FEATURE_NEGOTIATION_FAILED, OUTBOX_DEAD, OUTBOX_PRESSURE_HIGH,
      DECRYPT_FAILED);
}
