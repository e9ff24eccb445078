-- migrate:revision 62ad43cd181a
-- migrate:parents 4898023d9e6f
-- migrate:message add users.email (slow, for the killed-run demo)
-- migrate:transaction off

-- Demo only (step i of scripts/demo.sh): a revision slow enough to kill a run
-- in the middle of it. `transaction off` runs the statements one by one, with
-- the revision marked in progress, so an interrupted run is visible.

-- migrate:up
-- Stands in for a long data step.
SELECT pg_sleep(1.5);
ALTER TABLE users ADD COLUMN IF NOT EXISTS email text;

-- migrate:down
ALTER TABLE users DROP COLUMN IF EXISTS email;
