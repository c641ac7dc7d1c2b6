-- followupd schema, version 2: the owner's replies.
--
-- Migrations are append-only: never edit this file once released.

-- Every message of the owner's that followupd has handled: a reply to one of
-- its emails (applied, refused or ignored) or a note to an interviewer found
-- in the Sent folder. Keyed by the message's own Message-ID, so that a
-- message handed on again (a re-sync after a UIDVALIDITY change, a crash
-- before the folder position was saved) is neither applied nor answered
-- twice, and a refused one is logged once.
CREATE TABLE owner_messages (
	message_id   TEXT    PRIMARY KEY CHECK (message_id <> ''),
	-- The reminder the message answered (for a Sent-folder note, the
	-- thank-you it confirmed); NULL once that reminder is gone.
	reminder_id  INTEGER REFERENCES reminders (id) ON DELETE SET NULL,
	-- What the message said: a reply command ('sent', 'snooze', ...,
	-- 'unknown'), 'refused' or 'ignored' for a reply that may not command,
	-- 'sent_folder' for a note noticed in the Sent folder.
	command      TEXT    NOT NULL CHECK (command <> ''),
	-- Whether the command changed the state (0: nothing to change, or
	-- already so).
	changed      INTEGER NOT NULL DEFAULT 0 CHECK (changed IN (0, 1)),
	message_date TEXT,
	handled_at   TEXT    NOT NULL
);

-- What followupd answers to the owner's messages (acknowledgements, help,
-- status, re-sent drafts), queued in the same transaction as the change they
-- answer and sent after it commits; an answer not yet sent is retried.
CREATE TABLE reply_outbox (
	-- Deterministic, derived from the answered message's Message-ID: a resend
	-- after a crash is recognisably the same message.
	message_id   TEXT    PRIMARY KEY CHECK (message_id <> ''),
	answers      TEXT    NOT NULL REFERENCES owner_messages (message_id) ON DELETE CASCADE,
	interview_id INTEGER REFERENCES interviews (id) ON DELETE CASCADE,
	kind         TEXT    NOT NULL CHECK (kind IN ('ack', 'help', 'status', 'draft')),
	-- The composed email, as the daemon encoded it; opaque to SQL.
	email        TEXT    NOT NULL,
	created_at   TEXT    NOT NULL,
	attempts     INTEGER NOT NULL DEFAULT 0,
	last_error   TEXT    NOT NULL DEFAULT '',
	sent_at      TEXT
);
CREATE INDEX reply_outbox_unsent ON reply_outbox (sent_at, created_at);
CREATE INDEX reply_outbox_interview ON reply_outbox (interview_id, kind, created_at);

-- The register the owner chose for a company ("formal" / "casual" replies),
-- by company name as companyKey in store/replies.go makes it: spaces
-- trimmed, ASCII letters lower-cased, as SQLite's trim() and lower() do.
CREATE TABLE company_formality (
	company    TEXT PRIMARY KEY CHECK (company <> ''),
	formality  TEXT NOT NULL CHECK (formality IN ('casual', 'formal')),
	updated_at TEXT NOT NULL
);

-- The honorific the owner chose for an interviewer ("mr" / "ms" / "mrs" /
-- "dr" replies), by lower-cased email address.
CREATE TABLE interviewer_honorifics (
	email      TEXT PRIMARY KEY CHECK (email <> ''),
	honorific  TEXT NOT NULL CHECK (honorific IN ('Mr.', 'Ms.', 'Mrs.', 'Dr.')),
	updated_at TEXT NOT NULL
);

-- What the owner chose is applied to interviews stored later, whichever code
-- stores them: a new interview of a remembered company gets its formality
-- (unless it has an override already), and an interviewer row with a
-- remembered address gets the owner's honorific, which beats the one read
-- from an event.
CREATE TRIGGER interviews_remembered_formality_insert AFTER INSERT ON interviews
WHEN NEW.formality = ''
	AND EXISTS (SELECT 1 FROM company_formality WHERE company = lower(trim(NEW.company)))
BEGIN
	UPDATE interviews SET formality =
		(SELECT formality FROM company_formality WHERE company = lower(trim(NEW.company)))
	WHERE id = NEW.id;
END;

CREATE TRIGGER interviews_remembered_formality_update AFTER UPDATE OF company ON interviews
WHEN NEW.formality = ''
	AND EXISTS (SELECT 1 FROM company_formality WHERE company = lower(trim(NEW.company)))
BEGIN
	UPDATE interviews SET formality =
		(SELECT formality FROM company_formality WHERE company = lower(trim(NEW.company)))
	WHERE id = NEW.id;
END;

CREATE TRIGGER interviewers_remembered_honorific AFTER INSERT ON interviewers
WHEN NEW.email <> ''
	AND EXISTS (SELECT 1 FROM interviewer_honorifics
		WHERE email = lower(NEW.email) AND honorific <> NEW.honorific)
BEGIN
	UPDATE interviewers SET honorific =
		(SELECT honorific FROM interviewer_honorifics WHERE email = lower(NEW.email))
	WHERE interview_id = NEW.interview_id AND position = NEW.position;
END;
