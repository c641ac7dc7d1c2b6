-- Placeholder on branch issue10 only: migration 0004 belongs to another
-- branch, and migrations must be numbered without gaps. Drop this file when
-- the real 0004 is merged.
SELECT 1;
