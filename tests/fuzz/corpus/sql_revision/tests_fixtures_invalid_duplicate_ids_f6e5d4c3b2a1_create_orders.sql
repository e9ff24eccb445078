-- Copied from the users revision and the id was not changed.
-- migrate:revision a1b2c3d4e5f6
-- migrate:message create orders

-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY);
