-- migrate:revision c07e5b1d9a42
-- migrate:parents 8fb4c8c111aa
-- migrate:message index users by last name
-- migrate:transaction on

-- migrate:up
CREATE INDEX users_last_idx ON users (last);

-- migrate:down
DROP INDEX users_last_idx;
