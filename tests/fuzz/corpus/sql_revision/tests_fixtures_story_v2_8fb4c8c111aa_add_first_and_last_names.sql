-- migrate:revision 8fb4c8c111aa
-- migrate:parents a5d47eb28402
-- migrate:message add first and last names
-- migrate:transaction on

-- migrate:up
ALTER TABLE users ADD COLUMN first text;
ALTER TABLE users ADD COLUMN last text;

-- migrate:down
ALTER TABLE users DROP COLUMN last;
ALTER TABLE users DROP COLUMN first;
