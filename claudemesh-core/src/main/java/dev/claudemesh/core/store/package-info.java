/**
 * The durable stores of SPEC §4 and §5: {@code outbox.db} (accepted sends, their delivery state
 * machine, requeue) and {@code inbox.db} (received messages, deduplicated), both SQLite in WAL
 * mode with {@code synchronous=FULL}, written by one thread per file with group commit.
 */
@NullMarked
package dev.claudemesh.core.store;

import org.jspecify.annotations.NullMarked;
