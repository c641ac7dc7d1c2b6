-- followupd schema: one outbox (issue 13). The answers to the owner's
-- messages and the employer side's emails are sent by the dispatcher, with
-- the reminders' retry policy; like a reminder, a queued email now records
-- when its next attempt is due.
--
-- Independent of the other migrations: it only adds a column to each of the
-- two queue tables (0002 and 0006).
-- Migrations are append-only: never edit this file once released.

-- When the next attempt may be made; NULL: at once.
ALTER TABLE reply_outbox ADD COLUMN next_attempt TEXT;
ALTER TABLE employer_outbox ADD COLUMN next_attempt TEXT;
