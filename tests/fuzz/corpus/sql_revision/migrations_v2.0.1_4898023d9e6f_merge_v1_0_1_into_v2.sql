-- migrate:revision 4898023d9e6f
-- migrate:parents 43be85eadede f9d15b8e0c39
-- migrate:message merge v1.0.1 into v2

-- Release v2.0.1: the v1.0.1 hotfix merged into the v2 line. Written by
--   migrate --dir migrations resolve-branch -m "merge v1.0.1 into v2"
-- once the hotfix's file was brought into the v2 branch: the directory had two
-- heads (43be85eadede from v1.0.1, f9d15b8e0c39 from v2.0.0) and every upgrade
-- was refused (exit 4) until this revision joined them. It runs nothing; only
-- the comments below were added by hand.
--
-- resolve-branch reported where the branches meet:
-- branches both touch public.users.name: create index (v1.0.1/43be85eadede_index_users_name.sql:16); alter column (v2.0.0/f9d15b8e0c39_split_name.yaml:25); drop column (v2.0.0/f9d15b8e0c39_split_name.yaml:25)
--
-- Reviewed: the hotfix's index users_name_idx serves v1 during the canary and
-- is dropped with the column name by v2.0.0's contract phase, which is what we
-- want (v2 no longer looks users up by name).

-- migrate:up
-- A merge revision joins branches and usually runs nothing.

-- migrate:down
