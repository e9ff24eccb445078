-- migrate:revision a1b2c3d4e5f6
-- migrate:message create users

-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY);
