-- followupd schema, version 4: the sender's health.
--
-- Migrations are append-only: never edit this file once released.

-- Whether sending works: one row, written by the reminder dispatcher when it
-- changes its mind. A failure that is about the account or the connection
-- (the login refused, a certificate that does not verify, a host that does
-- not answer) holds every send, instead of giving reminders up; the CLI
-- (`followupd list`, `followupd check`) reads this row to say so.
CREATE TABLE sender_health (
	id       INTEGER PRIMARY KEY CHECK (id = 1),
	ok       INTEGER NOT NULL CHECK (ok IN (0, 1)),
	-- When sending last started or stopped working.
	since    TEXT    NOT NULL,
	-- Why sending is held; '' while it works. Secrets are never in it.
	cause    TEXT    NOT NULL DEFAULT '',
	-- When the dispatcher tries again; NULL while it works.
	retry_at TEXT,
	updated_at TEXT  NOT NULL
);
