-- migrate:parents
-- migrate:message create users, but the revision line was forgotten

-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY);
