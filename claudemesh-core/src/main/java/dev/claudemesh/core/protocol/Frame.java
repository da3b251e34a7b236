package dev.claudemesh.core.protocol;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One JSON text frame of the broker protocol (SPEC §7). Instances are immutable and validated on
 * construction; {@code toString()} never shows message bodies or metadata.
 */
public sealed interface Frame
    permits Hello,
        HelloAck,
        FeatureNegotiationRequest,
        FeatureNegotiationResponse,
        SendFrame,
        Ack,
        Push,
        ClientAck,
        Request,
        PeersList,
        TopicsList,
        Ok,
        ErrorFrame {

  /** The frame's {@code type} member. */
  String type();

  /** The frame as a JSON object tree, {@code type} included; see {@link Frames#encode}. */
  Map<String, @Nullable Object> toJson();
}
