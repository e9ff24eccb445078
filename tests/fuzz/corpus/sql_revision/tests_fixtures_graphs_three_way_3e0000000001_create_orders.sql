-- migrate:revision 3e0000000001
-- migrate:parents
-- migrate:message create orders

-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY);

-- migrate:down
DROP TABLE orders;
