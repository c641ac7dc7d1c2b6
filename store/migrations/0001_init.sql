-- followupd schema, version 1.
--
-- Every time is TEXT in RFC 3339 UTC to the second ("2026-03-02T14:00:00Z"):
-- fixed width, so comparing the text compares the instants, and readable with
-- the sqlite3 shell. A time that may be absent is NULL, never ''.
-- Migrations are append-only: never edit this file once released; add 0002_...

-- One interview: one iCalendar event (or one instance of a series), merged
-- across every source that reported it.
CREATE TABLE interviews (
	id            INTEGER PRIMARY KEY,
	uid           TEXT    NOT NULL CHECK (uid <> ''),
	-- '' for an event that is not part of a series, else the instance's
	-- original start in RFC 3339 UTC.
	recurrence_id TEXT    NOT NULL DEFAULT '',
	sequence      INTEGER NOT NULL DEFAULT 0,
	dtstamp       TEXT,
	status        TEXT    NOT NULL CHECK (status IN ('scheduled', 'cancelled')),
	-- Why a cancelled interview is cancelled: 'event' (METHOD:CANCEL or
	-- STATUS:CANCELLED), 'vanished' (gone from its calendar before it started;
	-- revived if a calendar lists it again), 'owner' (the owner said so; merges
	-- never revive it). '' while scheduled.
	cancel_reason TEXT    NOT NULL DEFAULT ''
		CHECK (cancel_reason IN ('', 'event', 'vanished', 'owner')),
	summary       TEXT    NOT NULL DEFAULT '',
	description   TEXT    NOT NULL DEFAULT '',
	location      TEXT    NOT NULL DEFAULT '',
	company       TEXT    NOT NULL DEFAULT '',
	position      TEXT    NOT NULL DEFAULT '',
	phone         TEXT    NOT NULL DEFAULT '',
	start_at      TEXT    NOT NULL,
	end_at        TEXT    NOT NULL,
	-- Owner-set fields: a merge never touches them.
	notes         TEXT    NOT NULL DEFAULT '',
	formality     TEXT    NOT NULL DEFAULT '' CHECK (formality IN ('', 'casual', 'formal')),
	created_at    TEXT    NOT NULL,
	updated_at    TEXT    NOT NULL,
	UNIQUE (uid, recurrence_id)
);
CREATE INDEX interviews_start ON interviews (start_at);

-- Which sources report an interview: "calendar:NAME", "imap:FOLDER", ...
CREATE TABLE interview_sources (
	interview_id INTEGER NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
	source       TEXT    NOT NULL CHECK (source <> ''),
	last_seen    TEXT    NOT NULL,
	PRIMARY KEY (interview_id, source)
);
CREATE INDEX interview_sources_source ON interview_sources (source);

-- The people the owner met, in the order the event lists them.
CREATE TABLE interviewers (
	interview_id INTEGER NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
	position     INTEGER NOT NULL,
	name         TEXT    NOT NULL DEFAULT '',
	email        TEXT    NOT NULL DEFAULT '',
	honorific    TEXT    NOT NULL DEFAULT '' CHECK (honorific IN ('', 'Mr.', 'Ms.', 'Mrs.', 'Dr.')),
	PRIMARY KEY (interview_id, position)
);

-- One follow-up of one interview; at most one of each kind per interview.
--
-- States: pending (waiting for due / next_attempt), sending (an attempt is
-- recorded and in flight), sent (the reminder email went out; nags follow
-- until resolved), confirmed / skipped / expired (resolved), cancelled (the
-- interview was cancelled or the plan dropped it before it was sent), failed
-- (gave up sending). Only pending ever moves with a reschedule; once a
-- reminder has left pending it never returns there, except a cancelled one
-- that a revived interview plans again (it was never sent).
CREATE TABLE reminders (
	id           INTEGER PRIMARY KEY,
	interview_id INTEGER NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
	kind         TEXT    NOT NULL CHECK (kind IN ('thank_you', 'follow_up_call')),
	state        TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN
		('pending', 'sending', 'sent', 'confirmed', 'skipped', 'expired', 'cancelled', 'failed')),
	due          TEXT    NOT NULL,
	attempts     INTEGER NOT NULL DEFAULT 0,
	-- When a failed attempt is retried; NULL: at due.
	next_attempt TEXT,
	last_error   TEXT    NOT NULL DEFAULT '',
	message_id   TEXT    NOT NULL DEFAULT '',
	-- Random and unguessable (crypto/rand); carried in our Message-ID so that
	-- a reply can be matched to this reminder.
	token        TEXT    NOT NULL UNIQUE CHECK (length(token) >= 20),
	nags_sent    INTEGER NOT NULL DEFAULT 0,
	sent_at      TEXT,
	resolved_at  TEXT,
	-- How a resolved reminder ended, in the owner's words: for a call
	-- 'called', 'offer', 'no_offer'; '' until then.
	outcome      TEXT    NOT NULL DEFAULT '',
	UNIQUE (interview_id, kind)
);
CREATE INDEX reminders_state_due ON reminders (state, due);

-- Per IMAP folder: where incremental sync stands.
CREATE TABLE mailbox_state (
	folder      TEXT    PRIMARY KEY,
	uidvalidity INTEGER NOT NULL CHECK (uidvalidity BETWEEN 0 AND 4294967295),
	last_uid    INTEGER NOT NULL CHECK (last_uid BETWEEN 0 AND 4294967295)
);

-- Per [[calendar]]: what the last fetch saw, for conditional GET and for
-- skipping an unchanged export.
CREATE TABLE calendar_state (
	name          TEXT PRIMARY KEY,
	etag          TEXT NOT NULL DEFAULT '',
	last_modified TEXT NOT NULL DEFAULT '',
	hash          TEXT NOT NULL DEFAULT '',
	last_ok       TEXT,
	last_error    TEXT NOT NULL DEFAULT ''
);
