-- migrate:revision c6d5e4f3a2b1
-- migrate:parents
-- migrate:message create users

-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY);
