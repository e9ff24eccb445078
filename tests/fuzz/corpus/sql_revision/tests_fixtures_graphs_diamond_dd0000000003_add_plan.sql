-- migrate:revision dd0000000003
-- migrate:parents dd0000000001
-- migrate:message add accounts.plan

-- migrate:up
ALTER TABLE accounts ADD COLUMN plan text;

-- migrate:down
ALTER TABLE accounts DROP COLUMN plan;
