package dev.claudemesh.broker.store;

/** A topic as one member sees it. */
public record TopicView(String name, boolean subscribed, long subscribers) {}
