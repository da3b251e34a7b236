package dev.claudemesh.broker.store;

/**
 * What one retention sweep did (SPEC §8.3): expired dedupe rows deleted, messages deleted by
 * message retention, dedupe rows whose history went with them, and the orphan check's count
 * (dedupe rows that claim history but have no message; should be zero).
 */
public record SweepResult(
    long dedupeRowsDeleted, long messagesDeleted, long dedupeRowsHistoryGone, long orphansFound) {}
