package dev.claudemesh.api;

import com.squareup.moshi.Json;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code POST /v1/topic/post} (SPEC §3.3); answered like a send ({@link SendResponse}).
 * {@code toString()} shows the message length only.
 */
public record TopicPostRequest(
    String topic,
    String message,
    @Nullable String priority,
    @Nullable List<String> mentions,
    @Json(name = "client_message_id") @Nullable String clientMessageId) implements ApiRequest {

  public TopicPostRequest {
    mentions = Copies.list(mentions);
  }

  @Override
  public String toString() {
    return "TopicPostRequest{topic=" + topic + ", message=<" + message.length() + " chars>"
        + (priority != null ? ", priority=" + priority : "")
        + (mentions != null ? ", mentions=" + mentions.size() : "")
        + (clientMessageId != null ? ", client_message_id=" + clientMessageId : "") + "}";
  }
}
