-- migrate:revision a5d47eb28402
-- migrate:parents
-- migrate:message create users
-- migrate:transaction on

-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL);

-- migrate:down
DROP TABLE users;
