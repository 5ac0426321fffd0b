-- Clinics, users and device keys (issued by `voiceassist-server device add`). Keys are stored
-- only as SHA-256 hashes: they are 256-bit random, so a slow hash adds nothing.
CREATE TABLE clinics (
  id text PRIMARY KEY,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO clinics (id, name) VALUES ('default', 'Default clinic');

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL UNIQUE,
  clinic_id text NOT NULL REFERENCES clinics (id),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE devices (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id),
  key_prefix text NOT NULL,
  key_hash bytea NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX devices_user ON devices (user_id);
