package dev.claudemesh.daemon.ipc;

import dev.claudemesh.api.TopicList;
import dev.claudemesh.core.PeerException;
import java.io.IOException;

/**
 * What {@code /v1/topic/subscribe}, {@code /unsubscribe} and {@code /list} need from the peer
 * (SPEC §3.3). Subscribing and leaving are idempotent. Posting to a topic is a send, through
 * {@link SendPort}.
 */
public interface TopicPort {
  TopicList list() throws PeerException, IOException;

  void subscribe(String topic) throws PeerException, IOException;

  void unsubscribe(String topic) throws PeerException, IOException;
}
