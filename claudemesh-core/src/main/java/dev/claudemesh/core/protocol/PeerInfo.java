package dev.claudemesh.core.protocol;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** One live peer in a {@code peers_list}. */
public record PeerInfo(
    String pubkey,
    String memberId,
    String displayName,
    String peerType,
    @Nullable String status,
    @Nullable String summary,
    @Nullable String title,
    List<String> capabilities,
    long connectedAt) {

  public PeerInfo {
    Check.hex64(pubkey, "pubkey");
    Check.id(memberId, "memberId");
    Check.text(displayName, "displayName", Check.MAX_ID);
    Check.id(peerType, "peerType", 32);
    Check.optionalText(status, "status", 64);
    Check.optionalText(summary, "summary", 1024);
    Check.optionalText(title, "title", 256);
    capabilities = Check.idList(capabilities, "capabilities", 64);
    Check.nonNegative(connectedAt, "connectedAt");
  }

  Map<String, @Nullable Object> toJson() {
    return new Obj()
        .put("pubkey", pubkey)
        .put("memberId", memberId)
        .put("displayName", displayName)
        .put("peerType", peerType)
        .put("status", status)
        .put("summary", summary)
        .put("title", title)
        .put("capabilities", capabilities)
        .put("connectedAt", connectedAt)
        .build();
  }

  static PeerInfo read(Fields f) throws InvalidFrameException {
    List<String> caps = f.optionalStrings("capabilities");
    String peerType = f.optionalString("peerType");
    return new PeerInfo(
        f.string("pubkey"),
        f.string("memberId"),
        f.string("displayName"),
        peerType == null ? "ai" : peerType,
        f.optionalString("status"),
        f.optionalString("summary"),
        f.optionalString("title"),
        caps == null ? List.of() : caps,
        f.integer("connectedAt"));
  }
}
