package dev.claudemesh.broker.store;

import java.util.Locale;

/** What a mesh does when a member opens a second connection (SPEC §8.5). */
public enum ConnectionPolicy {
  /** The older connection is closed with 4003 {@code replaced_by_newer_connection}. */
  PREFER_NEWEST("prefer_newest"),
  /** The newer connection is closed with 4004 {@code member_already_connected}. */
  PREFER_OLDEST("prefer_oldest"),
  /** Both stay; deliveries are leased to one of them. */
  ALLOW_CONCURRENT("allow_concurrent");

  private final String wireName;

  ConnectionPolicy(String wireName) {
    this.wireName = wireName;
  }

  /** The name used on the wire, in the store and on the command line. */
  public String wireName() {
    return wireName;
  }

  /**
   * The policy named {@code name}.
   *
   * @throws IllegalArgumentException naming the accepted values when there is none
   */
  public static ConnectionPolicy fromWire(String name) {
    for (ConnectionPolicy policy : values()) {
      if (policy.wireName.equals(name.toLowerCase(Locale.ROOT))) {
        return policy;
      }
    }
    throw new IllegalArgumentException(
        "unknown connection policy '" + name + "'; use prefer_newest, prefer_oldest or allow_concurrent");
  }
}
