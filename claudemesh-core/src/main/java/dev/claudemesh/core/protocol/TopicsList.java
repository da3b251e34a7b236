package dev.claudemesh.core.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Broker → client {@code topics_list {topics[], _reqId}}, the answer to {@code topic_list}. */
public record TopicsList(String reqId, List<TopicInfo> topics) implements Frame {
  public static final String TYPE = "topics_list";

  public TopicsList {
    Check.id(reqId, "_reqId");
    topics = Check.list(topics, "topics", 100_000);
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Map<String, @Nullable Object> toJson() {
    List<Object> list = new ArrayList<>(topics.size());
    for (TopicInfo topic : topics) {
      list.add(topic.toJson());
    }
    return new Obj(TYPE).put("_reqId", reqId).put("topics", list).build();
  }

  static TopicsList read(Fields f) throws InvalidFrameException {
    List<TopicInfo> topics = new ArrayList<>();
    for (Fields topic : f.objects("topics", "topic")) {
      topics.add(Frames.construct(topic, () -> TopicInfo.read(topic)));
    }
    return new TopicsList(f.string("_reqId"), topics);
  }
}
