package dev.claudemesh.api;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** {@code GET /v1/topic/list} (SPEC §3.3): the mesh's topics and whether this member is subscribed. */
public record TopicList(List<Topic> topics) {
  public TopicList {
    topics = List.copyOf(topics);
  }

  /** One topic; {@code description} when the broker has one. */
  public record Topic(String name, boolean subscribed, @Nullable String description) {}
}
