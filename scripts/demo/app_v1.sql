-- Application v1 (pgbench script for scripts/demo.sh): knows `name` only.
-- Looks a user up by id, renames them, and now and then signs a new user up.
-- Names are always "First Last" (one space), as v1 has always written them.
-- Variable :rows (pgbench -D rows=N) is the number of seeded users.
\set id random(1, :rows)
\set n random(1, 999)
\set signup random(1, 20)
SELECT id, name FROM users WHERE id = :id;
UPDATE users SET name = 'Ann' || :n || ' One' || :id WHERE id = :id;
\if :signup = 1
INSERT INTO users (name) VALUES ('New' || :n || ' One' || :id);
\endif
