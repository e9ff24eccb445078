-- migrate:revision 3c1f0e9d2b7a
-- migrate:parents a5d47eb28402
-- migrate:message index users.name for login lookups
-- migrate:transaction on

-- migrate:up
CREATE INDEX users_name_idx ON users (name);

-- migrate:down
DROP INDEX users_name_idx;
