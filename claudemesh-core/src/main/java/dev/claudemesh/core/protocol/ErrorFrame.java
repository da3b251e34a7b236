package dev.claudemesh.core.protocol;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Broker → client {@code error {code, message, _reqId?}} (SPEC §7.5). */
public record ErrorFrame(String code, String message, @Nullable String reqId) implements Frame {
  public static final String TYPE = "error";

  public ErrorFrame {
    Check.id(code, "code", 64);
    Check.text(message, "message", Check.MAX_TEXT);
    Check.optionalId(reqId, "_reqId");
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Map<String, @Nullable Object> toJson() {
    return new Obj(TYPE).put("code", code).put("message", message).put("_reqId", reqId).build();
  }

  static ErrorFrame read(Fields f) throws InvalidFrameException {
    String message = f.optionalString("message");
    return new ErrorFrame(f.string("code"), message == null ? "" : message, f.optionalString("_reqId"));
  }
}
