-- Usage rows are written when a call starts delivering (outcome IN_PROGRESS) and completed when it
-- ends; a server that was killed leaves its calls IN_PROGRESS, and the next server to start (or
-- any running one, periodically) marks them SERVER_CRASHED once the dead server's session lock
-- is free. `instance_id` names the server process that owned the call.
CREATE TABLE server_instances (
  id bigserial PRIMARY KEY,
  started_at timestamptz NOT NULL DEFAULT now(),
  host text NOT NULL,
  pid integer NOT NULL,
  ended_at timestamptz
);

ALTER TABLE usage_events
  ADD COLUMN instance_id bigint REFERENCES server_instances (id),
  ADD COLUMN ended_at timestamptz;
-- Rows written before this migration ended when they were written.
UPDATE usage_events SET ended_at = at;

CREATE INDEX usage_events_in_progress ON usage_events (instance_id) WHERE outcome = 'IN_PROGRESS';
