package dev.claudemesh.core.protocol;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Broker → client {@code hello_ack} (SPEC §7.1). */
public record HelloAck(
    String presenceId, String memberDisplayName, int protocolVersion, String brokerVersion)
    implements Frame {
  public static final String TYPE = "hello_ack";

  public HelloAck {
    Check.id(presenceId, "presenceId");
    Check.text(memberDisplayName, "memberDisplayName", Check.MAX_ID);
    if (protocolVersion < 1) {
      throw new IllegalArgumentException("protocolVersion must be at least 1");
    }
    Check.text(brokerVersion, "brokerVersion", Check.MAX_ID);
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Map<String, @Nullable Object> toJson() {
    return new Obj(TYPE)
        .put("presenceId", presenceId)
        .put("memberDisplayName", memberDisplayName)
        .put("protocolVersion", protocolVersion)
        .put("brokerVersion", brokerVersion)
        .build();
  }

  static HelloAck read(Fields f) throws InvalidFrameException {
    return new HelloAck(
        f.string("presenceId"),
        f.string("memberDisplayName"),
        clampToInt(f.integer("protocolVersion")),
        f.string("brokerVersion"));
  }

  /** Keeps an out-of-range version out of range instead of letting the cast wrap it into 1. */
  private static int clampToInt(long value) {
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, value));
  }
}
