package dev.claudemesh.core.protocol;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/** One topic in a {@code topics_list}: its name, whether the caller is subscribed, how many are. */
public record TopicInfo(String name, boolean subscribed, long subscribers) {
  public TopicInfo {
    Check.topic(name, "name");
    Check.nonNegative(subscribers, "subscribers");
  }

  Map<String, @Nullable Object> toJson() {
    return new Obj().put("name", name).put("subscribed", subscribed).put("subscribers", subscribers).build();
  }

  static TopicInfo read(Fields f) throws InvalidFrameException {
    Long subscribers = f.optionalInteger("subscribers");
    return new TopicInfo(f.string("name"), f.bool("subscribed"), subscribers == null ? 0 : subscribers);
  }
}
