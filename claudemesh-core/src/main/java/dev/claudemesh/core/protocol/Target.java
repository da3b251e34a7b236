package dev.claudemesh.core.protocol;

/**
 * A send's {@code targetSpec}: a member pubkey (64 lowercase hex, a DM), {@code #topic}, or
 * {@code *} (broadcast).
 */
public final class Target {
  public static final String BROADCAST = "*";

  private Target() {}

  /** Checks a {@code targetSpec}; throws {@link IllegalArgumentException} when it is none of the three. */
  public static String check(String targetSpec) {
    if (isBroadcast(targetSpec)) {
      return targetSpec;
    }
    if (targetSpec.startsWith("#")) {
      Check.topic(targetSpec.substring(1), "targetSpec topic");
      return targetSpec;
    }
    return Check.hex64(targetSpec, "targetSpec (a member pubkey, #topic or *)");
  }

  public static boolean isDirect(String targetSpec) {
    return targetSpec.length() == 64 && !targetSpec.startsWith("#");
  }

  public static boolean isTopic(String targetSpec) {
    return targetSpec.startsWith("#");
  }

  public static boolean isBroadcast(String targetSpec) {
    return BROADCAST.equals(targetSpec);
  }

  /** The topic name of {@code #name}. */
  public static String topicName(String targetSpec) {
    if (!isTopic(targetSpec)) {
      throw new IllegalArgumentException("not a topic target");
    }
    return targetSpec.substring(1);
  }

  /** Checks a topic name (without the {@code #}). */
  public static String checkTopicName(String name) {
    return Check.topic(name, "topic");
  }
}
