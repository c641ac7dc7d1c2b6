-- The text part of every email followupd sent the owner that a reply may
-- answer (a reminder, each of its nudges), by its Message-ID, so that a
-- reply's quote of it is known for quoted text whatever header the owner's
-- client wrote above it (issue 10). Written with the record of each send
-- (store SendDone): what was sent, whatever a later template would write.
--
-- Migrations are append-only: never edit this file once released.
CREATE TABLE IF NOT EXISTS sent_texts (
	message_id  TEXT    PRIMARY KEY CHECK (message_id <> ''),
	reminder_id INTEGER NOT NULL REFERENCES reminders (id) ON DELETE CASCADE,
	body        TEXT    NOT NULL,
	created_at  TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS sent_texts_reminder ON sent_texts (reminder_id);
