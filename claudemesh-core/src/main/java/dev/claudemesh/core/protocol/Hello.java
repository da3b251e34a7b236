package dev.claudemesh.core.protocol;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Client → broker {@code hello} (SPEC §7.1). {@code signature} is ed25519 hex over {@code
 * meshId|memberId|pubkey|timestamp}; the broker checks it and a ±60 s skew.
 */
public record Hello(
    String meshId,
    String memberId,
    String pubkey,
    @Nullable String sessionPubkey,
    @Nullable String displayName,
    String sessionId,
    long pid,
    String cwd,
    @Nullable String hostname,
    String peerType,
    @Nullable String channel,
    int protocolVersion,
    List<String> capabilities,
    long timestamp,
    String signature)
    implements Frame {
  public static final String TYPE = "hello";
  public static final List<String> PEER_TYPES = List.of("ai", "human", "connector");

  public Hello {
    Check.id(meshId, "meshId");
    Check.id(memberId, "memberId");
    Check.hex64(pubkey, "pubkey");
    if (sessionPubkey != null) {
      Check.hex64(sessionPubkey, "sessionPubkey");
    }
    Check.optionalText(displayName, "displayName", Check.MAX_ID);
    Check.id(sessionId, "sessionId");
    Check.nonNegative(pid, "pid");
    Check.text(cwd, "cwd", Check.MAX_TEXT);
    Check.optionalText(hostname, "hostname", Check.MAX_ID);
    if (!PEER_TYPES.contains(peerType)) {
      throw new IllegalArgumentException("peerType must be one of " + PEER_TYPES);
    }
    Check.optionalText(channel, "channel", Check.MAX_ID);
    if (protocolVersion < 1) {
      throw new IllegalArgumentException("protocolVersion must be at least 1");
    }
    capabilities = Check.idList(capabilities, "capabilities", 64);
    Check.nonNegative(timestamp, "timestamp");
    Check.hex(signature, "signature", 128);
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Map<String, @Nullable Object> toJson() {
    return new Obj(TYPE)
        .put("meshId", meshId)
        .put("memberId", memberId)
        .put("pubkey", pubkey)
        .put("sessionPubkey", sessionPubkey)
        .put("displayName", displayName)
        .put("sessionId", sessionId)
        .put("pid", pid)
        .put("cwd", cwd)
        .put("hostname", hostname)
        .put("peerType", peerType)
        .put("channel", channel)
        .put("protocolVersion", protocolVersion)
        .put("capabilities", capabilities)
        .put("timestamp", timestamp)
        .put("signature", signature)
        .build();
  }

  static Hello read(Fields f) throws InvalidFrameException {
    List<String> caps = f.optionalStrings("capabilities");
    return new Hello(
        f.string("meshId"),
        f.string("memberId"),
        f.string("pubkey"),
        f.optionalString("sessionPubkey"),
        f.optionalString("displayName"),
        f.string("sessionId"),
        f.integer("pid"),
        f.string("cwd"),
        f.optionalString("hostname"),
        f.string("peerType"),
        f.optionalString("channel"),
        clampToInt(f.integer("protocolVersion")),
        caps == null ? List.of() : caps,
        f.integer("timestamp"),
        f.string("signature"));
  }

  /** Keeps an out-of-range version out of range instead of letting the cast wrap it into 1. */
  private static int clampToInt(long value) {
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, value));
  }
}
