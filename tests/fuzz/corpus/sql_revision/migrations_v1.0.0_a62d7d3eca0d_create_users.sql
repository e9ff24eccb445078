-- migrate:revision a62d7d3eca0d
-- migrate:parents
-- migrate:message create users
-- migrate:transaction on

-- Release v1.0.0: the first schema. The application (v1) reads and writes
-- `name` only. A root revision: it has no parents.

-- migrate:up
CREATE TABLE users (
  id   bigserial PRIMARY KEY,
  name text NOT NULL
);

-- migrate:down
DROP TABLE users;
