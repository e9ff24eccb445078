-- migrate:revision d4e5f6a1b2c3
-- migrate:parents
-- migrate:mesage create users
-- migrate:transaction on

-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY);
