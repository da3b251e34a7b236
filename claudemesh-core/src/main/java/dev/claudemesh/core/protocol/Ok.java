package dev.claudemesh.core.protocol;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Broker → client {@code ok {_reqId}}: the request with that id succeeded. */
public record Ok(String reqId) implements Frame {
  public static final String TYPE = "ok";

  public Ok {
    Check.id(reqId, "_reqId");
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Map<String, @Nullable Object> toJson() {
    return new Obj(TYPE).put("_reqId", reqId).build();
  }

  static Ok read(Fields f) throws InvalidFrameException {
    return new Ok(f.string("_reqId"));
  }
}
