-- followupd schema: the employer's side (issue 14). Applications group
-- interviews per company and position; the employer's messages move an
-- application's stage and may close follow-ups, reversibly.
--
-- Independent of the other migrations: it only creates tables of its own
-- and references interviews and reminders by id.
-- Migrations are append-only: never edit this file once released.

-- One candidacy: the interviews of one company for one position.
CREATE TABLE applications (
	id           INTEGER PRIMARY KEY,
	company      TEXT    NOT NULL DEFAULT '',
	-- company and position as grouping compares them (see applicationKey in
	-- store/employer.go); '' company: an application of one interview.
	group_key    TEXT    NOT NULL DEFAULT '',
	position     TEXT    NOT NULL DEFAULT '',
	-- Where the candidacy stands: 'interviewing' until the employer says
	-- more; 'next_round', 'offer', 'rejected' from the employer's messages;
	-- 'checked_in' once followupd sent the check-in after silence,
	-- 'no_response' when silence went on after it.
	stage        TEXT    NOT NULL DEFAULT 'interviewing' CHECK (stage IN
		('interviewing', 'next_round', 'offer', 'rejected', 'checked_in', 'no_response')),
	-- When the employer last wrote (NULL: never since the first interview).
	last_contact TEXT,
	created_at   TEXT    NOT NULL,
	updated_at   TEXT    NOT NULL
);
CREATE INDEX applications_group ON applications (group_key);

-- Which application an interview belongs to; one each.
CREATE TABLE application_interviews (
	interview_id   INTEGER PRIMARY KEY REFERENCES interviews (id) ON DELETE CASCADE,
	application_id INTEGER NOT NULL REFERENCES applications (id) ON DELETE CASCADE
);
CREATE INDEX application_interviews_application ON application_interviews (application_id);

-- Every stage an application went through, in order; an undone change
-- stays in the history with undone_at set.
CREATE TABLE application_stages (
	id             INTEGER PRIMARY KEY,
	application_id INTEGER NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
	-- A stage, or 'scheduling' (an interview moved; the stage stays).
	stage          TEXT    NOT NULL CHECK (stage <> ''),
	at             TEXT    NOT NULL,
	-- The employer's message that caused it ('' for followupd's own
	-- check-in and no-response).
	message_id     TEXT    NOT NULL DEFAULT '',
	undone_at      TEXT
);
CREATE INDEX application_stages_application ON application_stages (application_id, at);

-- Every employer's message followupd acted on, keyed by its Message-ID so
-- that a message handed on again is not applied twice.
CREATE TABLE employer_messages (
	message_id     TEXT    PRIMARY KEY CHECK (message_id <> ''),
	interview_id   INTEGER REFERENCES interviews (id) ON DELETE SET NULL,
	application_id INTEGER REFERENCES applications (id) ON DELETE SET NULL,
	kind           TEXT    NOT NULL CHECK (kind IN ('rejection', 'offer', 'next_round', 'scheduling', 'other')),
	company        TEXT    NOT NULL DEFAULT '',
	reason         TEXT    NOT NULL DEFAULT '',
	-- The stage the application had before: undo puts it back.
	prev_stage     TEXT    NOT NULL DEFAULT '',
	message_date   TEXT,
	handled_at     TEXT    NOT NULL,
	undone_at      TEXT
);

-- The reminders an employer's message closed, with what they were, so that
-- undo ("not a rejection") restores them.
CREATE TABLE employer_closed_reminders (
	message_id        TEXT    NOT NULL REFERENCES employer_messages (message_id) ON DELETE CASCADE,
	reminder_id       INTEGER NOT NULL REFERENCES reminders (id) ON DELETE CASCADE,
	prev_state        TEXT    NOT NULL,
	prev_next_attempt TEXT,
	prev_resolved_at  TEXT,
	prev_outcome      TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (message_id, reminder_id)
);

-- The emails the employer's side sends the owner (rejection notice, offer
-- outline, acknowledgements, check-in drafts, the weekly digest), queued in
-- the transaction of the change they report and sent after it commits.
CREATE TABLE employer_outbox (
	message_id     TEXT    PRIMARY KEY CHECK (message_id <> ''),
	application_id INTEGER REFERENCES applications (id) ON DELETE CASCADE,
	kind           TEXT    NOT NULL CHECK (kind <> ''),
	-- The employer's message (employer_messages.message_id) whose change
	-- the email reports; '' for the check-in and the digest.
	cause          TEXT    NOT NULL DEFAULT '',
	-- The composed email, as the daemon encoded it; opaque to SQL.
	email          TEXT    NOT NULL,
	created_at     TEXT    NOT NULL,
	attempts       INTEGER NOT NULL DEFAULT 0,
	last_error     TEXT    NOT NULL DEFAULT '',
	sent_at        TEXT,
	-- Withdrawn before it was sent (the change it reports was undone).
	withdrawn      INTEGER NOT NULL DEFAULT 0 CHECK (withdrawn IN (0, 1))
);
CREATE INDEX employer_outbox_unsent ON employer_outbox (sent_at, created_at);
