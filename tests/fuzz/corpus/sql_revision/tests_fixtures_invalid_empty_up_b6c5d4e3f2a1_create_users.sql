-- migrate:revision b6c5d4e3f2a1
-- migrate:parents
-- migrate:message create users (the statement was never written)

-- migrate:up
-- TODO

-- migrate:down
DROP TABLE users;
