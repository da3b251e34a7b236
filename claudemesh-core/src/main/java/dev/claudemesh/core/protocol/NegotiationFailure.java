package dev.claudemesh.core.protocol;

import dev.claudemesh.core.jcs.Jcs;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Why feature negotiation failed (SPEC §7.2): {@code kind} is {@code feature_unavailable}, {@code
 * feature_param_invalid} or {@code feature_param_below_floor}.
 */
public record NegotiationFailure(String kind, String feature, String detail) {
  public static final String FEATURE_UNAVAILABLE = "feature_unavailable";
  public static final String FEATURE_PARAM_INVALID = "feature_param_invalid";
  public static final String FEATURE_PARAM_BELOW_FLOOR = "feature_param_below_floor";

  public NegotiationFailure {
    if (!kind.equals(FEATURE_UNAVAILABLE)
        && !kind.equals(FEATURE_PARAM_INVALID)
        && !kind.equals(FEATURE_PARAM_BELOW_FLOOR)) {
      throw new IllegalArgumentException("unknown negotiation failure kind " + kind);
    }
  }

  /**
   * The 4010 close reason: {@code {kind, feature, detail}} as canonical JSON of at most {@value
   * CloseCodes#MAX_REASON_BYTES} UTF-8 bytes, shortening {@code detail} (then {@code feature}) at
   * character boundaries when it would be longer.
   */
  public String closeReason() {
    String d = wellFormed(detail);
    String f = wellFormed(feature);
    while (true) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("kind", kind);
      json.put("feature", f);
      json.put("detail", d);
      String reason = Jcs.canonicalizeValue(json);
      int bytes = reason.getBytes(StandardCharsets.UTF_8).length;
      if (bytes <= CloseCodes.MAX_REASON_BYTES) {
        return reason;
      }
      if (!d.isEmpty()) {
        d = shorten(d, bytes - CloseCodes.MAX_REASON_BYTES);
      } else {
        f = shorten(f, bytes - CloseCodes.MAX_REASON_BYTES);
      }
    }
  }

  /** {@code s} with each lone surrogate replaced by U+FFFD, which JSON can carry. */
  private static String wellFormed(String s) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean paired = Character.isHighSurrogate(c)
          ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
          : !Character.isLowSurrogate(c) || (i > 0 && Character.isHighSurrogate(s.charAt(i - 1)));
      if (!paired && out == null) {
        out = new StringBuilder(s.length()).append(s, 0, i);
      }
      if (out != null) {
        out.append(paired ? c : '\uFFFD');
      }
    }
    return out == null ? s : out.toString();
  }

  /** Drops at least {@code excessBytes} of JSON from the end of {@code s}, whole code points only. */
  private static String shorten(String s, int excessBytes) {
    int end = s.length();
    int dropped = 0;
    while (end > 0 && dropped < excessBytes) {
      int cp = s.codePointBefore(end);
      end -= Character.charCount(cp);
      // a character's JSON form can be longer than its UTF-8 (escapes): count at least its UTF-8 size
      String one = new String(Character.toChars(cp));
      dropped += Math.max(one.getBytes(StandardCharsets.UTF_8).length, Jcs.canonicalizeValue(one).length() - 2);
    }
    return s.substring(0, end);
  }

  /** Parses a 4010 close reason; a reason that is not such JSON yields {@code feature_unavailable}. */
  public static NegotiationFailure parseCloseReason(String reason) {
    try {
      Object parsed = Jcs.parse(reason);
      if (parsed instanceof Map) {
        Map<?, ?> m = (Map<?, ?>) parsed;
        Object kind = m.get("kind");
        Object feature = m.get("feature");
        Object detail = m.get("detail");
        if (kind instanceof String && feature instanceof String) {
          return new NegotiationFailure(
              (String) kind, (String) feature, detail instanceof String ? (String) detail : "");
        }
      }
    } catch (IllegalArgumentException e) {
      // fall through: not the JSON we expect
    }
    return new NegotiationFailure(FEATURE_UNAVAILABLE, "", "unparseable close reason");
  }
}
