-- migrate:revision d6e5f4a3b2c1
-- migrate:parents c6d5e4f3a2b1
-- migrate:message create orders

-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY);

CREATE INDEX orders_id_idx
  ON orders (id);
CREATE TABEL order_lines (order_id bigint);

-- migrate:down
DROP TABLE orders;
