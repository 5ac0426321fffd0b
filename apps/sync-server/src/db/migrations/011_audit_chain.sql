-- The audit log becomes a hash chain (issue 18). Each row carries
--   hash = sha256(prev_hash || canonical(row))
-- where canonical(row) is 'v1' followed by each field as "<octet length>:<text>" ('-' for NULL)
-- in a fixed order (audit_canonical below; src/audit/canonical.ts computes the same, and
-- `voiceassist-server audit verify` checks every row with it). The chain position (id) and the
-- hashes are set by a trigger under a row lock on audit_head, so writers on every server
-- instance append in one order and nobody (the app's role included) can choose them. The app's
-- role gets INSERT and SELECT only (src/db/roles.ts); UPDATE, DELETE and TRUNCATE raise.

ALTER TABLE audit_log RENAME TO audit_log_v1;
ALTER INDEX audit_log_action_at RENAME TO audit_log_v1_action_at;

CREATE TABLE audit_log (
  id bigint PRIMARY KEY,
  at timestamptz NOT NULL,
  action text NOT NULL,
  outcome text NOT NULL DEFAULT 'ok',
  request_id text,
  user_id uuid,
  actor text,
  clinic_id text,
  device_id uuid,
  provider text,
  detail jsonb NOT NULL DEFAULT '{}',
  prev_hash bytea NOT NULL,
  hash bytea NOT NULL
);
CREATE INDEX audit_log_action_at ON audit_log (action, at);

CREATE TABLE audit_head (
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  id bigint NOT NULL,
  at timestamptz NOT NULL,
  hash bytea NOT NULL
);
INSERT INTO audit_head (id, at, hash) VALUES (0, '-infinity', '\x0000000000000000000000000000000000000000000000000000000000000000');

CREATE FUNCTION audit_field(v text) RETURNS text
  LANGUAGE sql IMMUTABLE
  RETURN CASE WHEN v IS NULL THEN '-' ELSE octet_length(v)::text || ':' || v END;

CREATE FUNCTION audit_canonical(r audit_log) RETURNS text
  LANGUAGE sql STABLE
  RETURN 'v1'
    || audit_field(r.id::text)
    || audit_field(to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
    || audit_field(r.action)
    || audit_field(r.outcome)
    || audit_field(r.request_id)
    || audit_field(r.user_id::text)
    || audit_field(r.actor)
    || audit_field(r.clinic_id)
    || audit_field(r.device_id::text)
    || audit_field(r.provider)
    || audit_field(r.detail::text);

-- SECURITY DEFINER: runs as the owner, so the app's role needs no rights on audit_head.
CREATE FUNCTION audit_chain() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  head audit_head%ROWTYPE;
BEGIN
  SELECT * INTO head FROM audit_head FOR UPDATE; -- serialises appends across sessions
  NEW.id := head.id + 1;
  -- Time never runs backwards along the chain, and no writer can date a row in the future.
  NEW.at := greatest(
    date_trunc('milliseconds', least(coalesce(NEW.at, clock_timestamp()), clock_timestamp())),
    head.at);
  NEW.prev_hash := head.hash;
  NEW.hash := sha256(head.hash || convert_to(audit_canonical(NEW), 'UTF8'));
  UPDATE audit_head SET id = NEW.id, at = NEW.at, hash = NEW.hash;
  RETURN NEW;
END
$$;
CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_chain();

CREATE FUNCTION audit_append_only() RETURNS trigger
  LANGUAGE plpgsql
AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

-- Rows written before the chain existed become its first links, in their original order.
INSERT INTO audit_log (at, action, user_id, clinic_id, device_id, provider, detail, request_id)
  SELECT at, action, user_id, clinic_id, device_id, provider, detail, detail ->> 'requestId'
    FROM audit_log_v1 ORDER BY id;
DROP TABLE audit_log_v1;
