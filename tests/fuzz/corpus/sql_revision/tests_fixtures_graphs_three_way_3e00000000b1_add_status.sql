-- migrate:revision 3e00000000b1
-- migrate:parents 3e0000000001
-- migrate:message add orders.status

-- migrate:up
ALTER TABLE orders ADD COLUMN status text;

-- migrate:down
ALTER TABLE orders DROP COLUMN status;
