-- migrate:revision 3e00000000a1
-- migrate:parents 3e0000000001
-- migrate:message add orders.total

-- migrate:up
ALTER TABLE orders ADD COLUMN total numeric;

-- migrate:down
ALTER TABLE orders DROP COLUMN total;
