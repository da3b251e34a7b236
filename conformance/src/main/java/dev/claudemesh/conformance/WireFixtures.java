package dev.claudemesh.conformance;

import dev.claudemesh.core.jcs.Jcs;
import dev.claudemesh.core.protocol.Frame;
import dev.claudemesh.core.protocol.Frames;
import dev.claudemesh.core.protocol.InvalidFrameException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Checks the {@code wire/} fixtures against the broker frame codec: every {@code examples} entry
 * decodes and re-encodes to exactly its {@code canonical} text, and every {@code cases} entry is
 * rejected with a message that names its {@code field}.
 */
final class WireFixtures {
  private final VerifyReport report;
  private final String category;

  WireFixtures(VerifyReport report, String category) {
    this.report = report;
    this.category = category;
  }

  /** Verifies one parsed file: an object with an {@code examples} or a {@code cases} array. */
  void verify(String fileId, Map<?, ?> document) {
    boolean any = false;
    if (document.get("examples") instanceof List) {
      any = true;
      List<?> examples = (List<?>) document.get("examples");
      for (int i = 0; i < examples.size(); i++) {
        checkExample(fileId, i, examples.get(i));
      }
    }
    if (document.get("cases") instanceof List) {
      any = true;
      List<?> cases = (List<?>) document.get("cases");
      for (int i = 0; i < cases.size(); i++) {
        checkInvalid(fileId, i, cases.get(i));
      }
    }
    if (!any) {
      report.fail(category, fileId + ": expected an object with an \"examples\" or a \"cases\" array");
    }
  }

  private void checkExample(String fileId, int index, @Nullable Object entry) {
    String id = fileId + "[" + index + "]";
    try {
      Map<?, ?> map = object(entry);
      id = named(fileId, index, map);
      String canonical = string(map, "canonical");
      String ofFrame = Jcs.canonicalizeValue(map.get("frame"));
      if (!ofFrame.equals(canonical)) {
        report.fail(category, id + ": \"frame\" canonicalizes to " + Bytes.preview(utf8(ofFrame))
            + ", not to \"canonical\"");
        return;
      }
      Frame frame = Frames.decode(canonical);
      Object type = map.get("type");
      if (type != null && !type.equals(frame.type())) {
        report.fail(category, id + ": decoded as " + frame.type() + ", expected " + type);
        return;
      }
      String encoded = Frames.encode(frame);
      String difference = Bytes.describeDifference(utf8(canonical), utf8(encoded));
      if (difference == null) {
        report.pass(category);
      } else {
        report.fail(category, id + ": re-encoding differs: " + difference);
      }
    } catch (InvalidFrameException e) {
      report.fail(category, id + ": rejected a valid frame: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      report.fail(category, id + ": " + e.getMessage());
    } catch (RuntimeException e) {
      report.fail(category, id + ": crashed: " + e);
    }
  }

  private void checkInvalid(String fileId, int index, @Nullable Object entry) {
    String id = fileId + "[" + index + "]";
    try {
      Map<?, ?> map = object(entry);
      id = named(fileId, index, map);
      String text = string(map, "frame");
      Object field = map.get("field");
      try {
        Frame accepted = Frames.decode(text);
        report.fail(category, id + ": accepted as " + accepted.type() + " frame");
      } catch (InvalidFrameException e) {
        if (field instanceof String && !mentions(e.getMessage(), (String) field)) {
          report.fail(category, id + ": rejected, but the message does not name " + field + ": " + e.getMessage());
        } else {
          report.pass(category);
        }
      }
    } catch (IllegalArgumentException e) {
      report.fail(category, id + ": " + e.getMessage());
    } catch (RuntimeException e) {
      report.fail(category, id + ": crashed instead of rejecting: " + e);
    }
  }

  /**
   * Whether {@code message} names the last member of the dotted {@code field} path as a whole word
   * ({@code error.code} → {@code code}, {@code peers[].pubkey} → {@code pubkey}).
   */
  static boolean mentions(String message, String field) {
    String last = field.substring(field.lastIndexOf('.') + 1).replace("[]", "");
    return Pattern.compile("(?<![A-Za-z0-9_])" + Pattern.quote(last) + "(?![A-Za-z0-9_])").matcher(message).find();
  }

  private static Map<?, ?> object(@Nullable Object entry) {
    if (!(entry instanceof Map)) {
      throw new IllegalArgumentException("an entry must be an object");
    }
    return (Map<?, ?>) entry;
  }

  private static String named(String fileId, int index, Map<?, ?> map) {
    return map.get("name") instanceof String ? fileId + " " + map.get("name") : fileId + "[" + index + "]";
  }

  private static String string(Map<?, ?> map, String name) {
    Object value = map.get(name);
    if (!(value instanceof String)) {
      throw new IllegalArgumentException("missing string field \"" + name + "\"");
    }
    return (String) value;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
