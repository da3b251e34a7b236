package dev.claudemesh.core.fingerprint;

/** Delivery priority of a send; {@link #NEXT} when the caller gives none. */
public enum Priority {
  NOW("now"),
  NEXT("next"),
  LOW("low");

  private final String wireName;

  Priority(String wireName) {
    this.wireName = wireName;
  }

  /** The lowercase name used on the wire and in the fingerprint. */
  public String wireName() {
    return wireName;
  }

  /**
   * The priority with this wire name.
   *
   * @throws IllegalArgumentException if the name is not one of {@code now}, {@code next}, {@code
   *     low}
   */
  public static Priority fromWire(String name) {
    for (Priority priority : values()) {
      if (priority.wireName.equals(name)) {
        return priority;
      }
    }
    throw new IllegalArgumentException(
        "unknown priority \"" + name + "\" (expected now, next or low)");
  }
}
