package dev.claudemesh.api;

import java.util.Map;

/**
 * One frame of the {@code /v1/events} stream (SPEC §3.4): a monotonic {@code id}, the {@code event}
 * kind ({@link EventKinds}) and a JSON {@code data} object that always holds {@code ts} (epoch
 * milliseconds). {@code toString()} names the data members, never their values, since a {@code
 * message} event carries a body.
 */
public record ServerEvent(long id, String event, Map<String, Object> data) {
  /** The member of {@code data} every event carries. */
  public static final String TS = "ts";

  public ServerEvent {
    if (event.isEmpty() || event.indexOf('\n') >= 0 || event.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("event kind must be one non-empty line");
    }
    if (!(data.get(TS) instanceof Number)) {
      throw new IllegalArgumentException("event data must hold a numeric ts");
    }
    data = Copies.map(data);
  }

  /** The frame as written on the stream: {@code id}, {@code event}, one {@code data} line. */
  public String toSseFrame() {
    return "id: " + id + "\nevent: " + event + "\ndata: " + ApiJson.toJson(data) + "\n\n";
  }

  public long ts() {
    return ((Number) data.get(TS)).longValue();
  }

  @Override
  public String toString() {
    return "ServerEvent{" + id + " " + event + " " + data.keySet() + "}";
  }
}
