-- migrate:revision dd0000000001
-- migrate:parents
-- migrate:message create accounts

-- migrate:up
CREATE TABLE accounts (id bigint PRIMARY KEY);

-- migrate:down
DROP TABLE accounts;
