-- migrate:revision a7b6c5d4e3f2
-- migrate:parents f6a5b4c3d2e1
-- migrate:message create invoices

-- migrate:up
CREATE TABLE invoices (id bigint PRIMARY KEY);
