-- migrate:revision dd0000000002
-- migrate:parents dd0000000001
-- migrate:message add accounts.email

-- migrate:up
ALTER TABLE accounts ADD COLUMN email text;

-- migrate:down
ALTER TABLE accounts DROP COLUMN email;
