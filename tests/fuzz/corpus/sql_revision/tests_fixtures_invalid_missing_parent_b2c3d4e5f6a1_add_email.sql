-- migrate:revision b2c3d4e5f6a1
-- migrate:parents 0123456789ab
-- migrate:message create users on top of a revision that is not in the directory

-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY);
