package dev.claudemesh.core.store;

import java.util.Locale;

/** The states of an outbox row (SPEC §4.5): pending → inflight → done; dead and aborted are final. */
public enum OutboxStatus {
  PENDING,
  INFLIGHT,
  DONE,
  DEAD,
  ABORTED;

  /** The lowercase name stored in the database and shown to operators. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static OutboxStatus fromWire(String name) {
    for (OutboxStatus status : values()) {
      if (status.wireName().equals(name)) {
        return status;
      }
    }
    throw new IllegalArgumentException("unknown outbox status \"" + name + "\"");
  }
}
