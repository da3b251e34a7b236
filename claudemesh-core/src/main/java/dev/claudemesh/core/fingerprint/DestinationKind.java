package dev.claudemesh.core.fingerprint;

/** Where a send goes, as named on the wire ({@code destination_kind}). */
public enum DestinationKind {
  TOPIC("topic"),
  DM("dm"),
  QUEUE("queue");

  private final String wireName;

  DestinationKind(String wireName) {
    this.wireName = wireName;
  }

  /** The lowercase name used on the wire and in the fingerprint. */
  public String wireName() {
    return wireName;
  }

  /**
   * The kind with this wire name.
   *
   * @throws IllegalArgumentException if the name is not one of {@code topic}, {@code dm}, {@code
   *     queue}
   */
  public static DestinationKind fromWire(String name) {
    for (DestinationKind kind : values()) {
      if (kind.wireName.equals(name)) {
        return kind;
      }
    }
    throw new IllegalArgumentException(
        "unknown destination_kind \"" + name + "\" (expected topic, dm or queue)");
  }
}
