-- migrate:revision f55f748b1b7c
-- migrate:parents a62d7d3eca0d
-- migrate:message add users.nickname
-- migrate:transaction on

-- Demo only (step c of scripts/demo.sh): the same ALTER TABLE that took the
-- site down in step b, run by migrate under a short lock_timeout. The demo
-- downgrades it again afterwards, so the database follows the story of
-- migrations/ from there on.

-- migrate:up
ALTER TABLE users ADD COLUMN nickname text;

-- migrate:down
ALTER TABLE users DROP COLUMN nickname;
