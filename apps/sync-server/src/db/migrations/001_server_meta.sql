-- Facts about this server instance (one row per key).
CREATE TABLE server_meta (
  key text PRIMARY KEY,
  value text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO server_meta (key, value) VALUES ('instance_id', gen_random_uuid()::text);
