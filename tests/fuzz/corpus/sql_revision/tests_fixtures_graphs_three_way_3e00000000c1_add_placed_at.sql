-- migrate:revision 3e00000000c1
-- migrate:parents 3e0000000001
-- migrate:message add orders.placed_at

-- migrate:up
ALTER TABLE orders ADD COLUMN placed_at timestamptz;

-- migrate:down
ALTER TABLE orders DROP COLUMN placed_at;
