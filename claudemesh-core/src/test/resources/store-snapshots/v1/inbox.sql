-- inbox.db as schema version 1 wrote it: tables, indexes, user_version and one row.
CREATE TABLE inbox ( id TEXT PRIMARY KEY, client_message_id TEXT NOT NULL, mesh TEXT NOT NULL, sender_member_id TEXT NOT NULL, broker_message_id TEXT, topic TEXT, sender_pubkey TEXT NOT NULL, sender_name TEXT NOT NULL, body TEXT, meta TEXT, priority TEXT, received_at INTEGER NOT NULL, reply_to_id TEXT, UNIQUE(mesh, sender_member_id, client_message_id));
CREATE INDEX inbox_received ON inbox(received_at, id);
CREATE INDEX inbox_topic ON inbox(topic, received_at, id);
CREATE INDEX inbox_sender ON inbox(sender_pubkey, received_at, id);
CREATE TABLE inbox_maintenance (name TEXT PRIMARY KEY, last_run_at INTEGER NOT NULL);
INSERT INTO inbox VALUES ('01KAQ0000000000000000000I1', 'm-1', 'mesh-1', 'member-a', 'b-9', 'general', 'pub-a', 'alice', 'hello', NULL, 'next', 1763800000000, NULL);
PRAGMA user_version=1;
