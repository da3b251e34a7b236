package dev.claudemesh.api;

/** {@code POST /v1/topic/subscribe} and {@code /unsubscribe} (SPEC §3.3): {@code {topic}}, idempotent. */
public record TopicRequest(String topic) implements ApiRequest {}
