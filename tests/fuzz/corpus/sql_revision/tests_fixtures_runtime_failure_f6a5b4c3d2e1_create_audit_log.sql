-- migrate:revision f6a5b4c3d2e1
-- migrate:parents e6f5a4b3c2d1
-- migrate:message create audit_log and copy the old log into it

-- migrate:up
CREATE TABLE audit_log (account_id bigint, happened_at timestamptz);

INSERT INTO audit_log (account_id, happened_at)
  SELECT account_id, happened_at FROM legacy_audit_log;
