-- migrate:revision 43be85eadede
-- migrate:parents a62d7d3eca0d
-- migrate:message index users.name for login lookups
-- migrate:transaction off

-- Release v1.0.1: an emergency hotfix cut from v1.0.0 (login looked users up
-- by name with a sequential scan). It was deployed to production before v2.0.0
-- knew about it; see migrations/README.md for how the two lines were joined.
--
-- CREATE INDEX CONCURRENTLY cannot run inside a transaction, hence
-- `transaction off`: migrate marks the revision in progress, runs the statement
-- alone, then records it. IF NOT EXISTS lets an interrupted run start again
-- (migrate drops an invalid index left by an interrupted build first).

-- migrate:up
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_name_idx ON users (name);

-- migrate:down
DROP INDEX CONCURRENTLY IF EXISTS users_name_idx;
