-- migrate:revision dd0000000004
-- migrate:parents dd0000000002 dd0000000003
-- migrate:message merge email and plan

-- migrate:up
-- A merge revision runs nothing.

-- migrate:down
