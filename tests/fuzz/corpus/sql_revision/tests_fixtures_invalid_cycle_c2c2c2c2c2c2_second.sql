-- migrate:revision c2c2c2c2c2c2
-- migrate:parents c1c1c1c1c1c1
-- migrate:message second of a cycle

-- migrate:up
CREATE TABLE second_table (id int);
