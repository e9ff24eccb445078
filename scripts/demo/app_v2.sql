-- Application v2 (pgbench script for scripts/demo.sh): knows `first` and
-- `last` only. During the canary it starts before the expand phase has run,
-- so each transaction first asks whether v2 may run yet, and does nothing else
-- until it may: once the columns exist and the expand has installed its sync
-- trigger (migrate_sync_<revision>_<table>, docs/yaml-operations.md), or the
-- contract has removed `name`.
-- Variables (pgbench -D): rows, the number of seeded users (as in app_v1.sql);
-- early=1 starts as soon as the columns exist, without waiting for the trigger.
SELECT count(*) AS ready FROM pg_attribute
 WHERE attrelid = 'users'::regclass AND attname = 'last' AND NOT attisdropped
   AND (:early = 1
        OR EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = 'users'::regclass AND tgname LIKE 'migrate\_sync\_%')
        OR NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'name' AND NOT attisdropped)) \gset
\if :ready
\set id random(1, :rows)
\set n random(1, 999)
\set signup random(1, 20)
SELECT id, first, last FROM users WHERE id = :id;
UPDATE users SET first = 'Bo' || :n, last = 'Two' || :id WHERE id = :id;
\if :signup = 1
INSERT INTO users (first, last) VALUES ('New' || :n, 'Two' || :id);
\endif
\endif
