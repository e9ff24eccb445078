-- migrate:revision e6f5a4b3c2d1
-- migrate:parents
-- migrate:message create accounts

-- migrate:up
CREATE TABLE accounts (id bigint PRIMARY KEY);
