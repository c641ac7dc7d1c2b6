-- Placeholder on branch issue14 only: migration 0005 belongs to another issue
-- being merged in parallel. DELETE THIS FILE when merging (the real 0005
-- takes its place). It changes nothing.
SELECT 1;
