-- An owner's snooze of a reminder that already went out earns it one more
-- nudge at the snooze time, even past nag_limit (the nudge has a send number
-- of its own, so a Message-ID of its own). snoozed is 1 from the snooze until
-- that send goes out.
ALTER TABLE reminders ADD COLUMN snoozed INTEGER NOT NULL DEFAULT 0 CHECK (snoozed IN (0, 1));
