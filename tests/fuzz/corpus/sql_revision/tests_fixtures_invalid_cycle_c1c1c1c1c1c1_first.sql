-- migrate:revision c1c1c1c1c1c1
-- migrate:parents c2c2c2c2c2c2
-- migrate:message first of a cycle

-- migrate:up
CREATE TABLE first_table (id int);
