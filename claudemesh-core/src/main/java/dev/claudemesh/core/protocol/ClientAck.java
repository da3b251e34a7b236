package dev.claudemesh.core.protocol;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Client → broker {@code client_ack}, sent after the inbox commit (SPEC §7.4). */
public record ClientAck(String deliveryId, @Nullable String clientMessageId, String brokerMessageId)
    implements Frame {
  public static final String TYPE = "client_ack";

  public ClientAck {
    Check.id(deliveryId, "delivery_id");
    if (clientMessageId != null) {
      Check.id(clientMessageId, "client_message_id", 128);
    }
    Check.id(brokerMessageId, "broker_message_id");
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Map<String, @Nullable Object> toJson() {
    return new Obj(TYPE)
        .put("delivery_id", deliveryId)
        .put("client_message_id", clientMessageId)
        .put("broker_message_id", brokerMessageId)
        .build();
  }

  static ClientAck read(Fields f) throws InvalidFrameException {
    return new ClientAck(
        f.string("delivery_id"), f.optionalString("client_message_id"), f.string("broker_message_id"));
  }
}
