package dev.claudemesh.core.protocol;

import dev.claudemesh.core.jcs.Jcs;
import dev.claudemesh.core.jcs.JcsException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Encodes frames as canonical JSON text and decodes text into validated frames. */
public final class Frames {
  /**
   * Largest text frame either side accepts, in UTF-16 units: a 1 MiB inline payload base64-expanded
   * plus envelope members. Larger frames are refused before parsing.
   */
  public static final int MAX_FRAME_CHARS = 2 * 1024 * 1024;

  /**
   * Largest payload ({@code inline_bytes}) this protocol carries in one frame: 1 MiB of ciphertext
   * (a DM's plaintext plus the 16-byte box overhead, or a topic body), which base64 keeps well
   * inside {@link #MAX_FRAME_CHARS} together with the other members.
   */
  public static final int MAX_INLINE_BYTES = 1 << 20;

  /** Largest {@code meta} object, as canonical JSON characters, either side accepts. */
  public static final int MAX_META_CHARS = 64 * 1024;

  private Frames() {}

  /** The frame as RFC 8785 canonical JSON text. */
  public static String encode(Frame frame) {
    return Jcs.canonicalizeValue(frame.toJson());
  }

  /**
   * Parses and validates one text frame.
   *
   * @throws InvalidFrameException if the text is too long, not strict JSON, not an object, has no
   *     known {@code type}, or breaks that type's schema
   */
  public static Frame decode(String text) throws InvalidFrameException {
    if (text.length() > MAX_FRAME_CHARS) {
      throw new InvalidFrameException("", "frame longer than " + MAX_FRAME_CHARS + " characters");
    }
    Object parsed;
    try {
      parsed = Jcs.parse(text);
    } catch (JcsException e) {
      throw new InvalidFrameException("", "not valid JSON: " + withoutContent(e.problem()), e);
    }
    if (!(parsed instanceof Map)) {
      throw new InvalidFrameException("", "a frame must be a JSON object");
    }
    @SuppressWarnings("unchecked")
    Map<String, @Nullable Object> json = (Map<String, @Nullable Object>) parsed;
    Object type = json.get("type");
    if (!(type instanceof String)) {
      throw new InvalidFrameException("", "type must be a string");
    }
    String name = (String) type;
    Fields f = new Fields(name, json);
    switch (name) {
      case Hello.TYPE:
        return construct(f, () -> Hello.read(f));
      case HelloAck.TYPE:
        return construct(f, () -> HelloAck.read(f));
      case FeatureNegotiationRequest.TYPE:
        return construct(f, () -> FeatureNegotiationRequest.read(f));
      case FeatureNegotiationResponse.TYPE:
        return construct(f, () -> FeatureNegotiationResponse.read(f));
      case SendFrame.TYPE:
        return construct(f, () -> SendFrame.read(f));
      case Ack.TYPE:
        return construct(f, () -> Ack.read(f));
      case Push.TYPE:
        return construct(f, () -> Push.read(f));
      case ClientAck.TYPE:
        return construct(f, () -> ClientAck.read(f));
      case PeersList.TYPE:
        return construct(f, () -> PeersList.read(f));
      case TopicsList.TYPE:
        return construct(f, () -> TopicsList.read(f));
      case Ok.TYPE:
        return construct(f, () -> Ok.read(f));
      case ErrorFrame.TYPE:
        return construct(f, () -> ErrorFrame.read(f));
      default:
        if (Request.TYPES.contains(name)) {
          return construct(f, () -> Request.read(f, json));
        }
        throw new InvalidFrameException(name, "unknown frame type");
    }
  }

  /**
   * A parser problem without the frame content some of them quote (a duplicate member name, the
   * digits of an out-of-range number), so that the message stays safe to log.
   */
  static String withoutContent(String problem) {
    if (problem.startsWith("duplicate property name")) {
      return "duplicate property name";
    }
    if (problem.startsWith("number ") && problem.endsWith("out of range for a double")) {
      return "number out of range for a double";
    }
    return problem;
  }

  interface Reader<T> {
    T read() throws InvalidFrameException;
  }

  /** Runs a frame reader, turning a constructor's value-rule failure into an invalid frame. */
  static <T> T construct(Fields f, Reader<T> reader) throws InvalidFrameException {
    try {
      return reader.read();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new InvalidFrameException(f.type(), String.valueOf(e.getMessage()), e);
    }
  }
}
