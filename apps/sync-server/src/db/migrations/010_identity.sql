-- Identity (issue 18): people, their roles and sign-in factors, enrolled devices, sessions with
-- rotating refresh tokens, OIDC sign-ins in flight, the access-token signing keys and the
-- PostgreSQL-backed rate-limit counters. Secrets are stored only as hashes (SHA-256 for 256-bit
-- random tokens, argon2id for passwords).

-- Settings only the owner role may read (the app role's name and password among them).
CREATE TABLE server_secrets (
  key text PRIMARY KEY,
  value text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE users
  ADD COLUMN display_name text,
  ADD COLUMN email text,
  -- Existing users (device keys, issued for headless gateway use) are clinicians.
  ADD COLUMN roles text[] NOT NULL DEFAULT '{clinician}'
    CHECK (roles <@ ARRAY['clinician', 'admin', 'auditor']::text[]),
  ADD COLUMN idp_issuer text,
  ADD COLUMN idp_subject text,
  ADD COLUMN password_hash text,
  ADD COLUMN must_change_password boolean NOT NULL DEFAULT false,
  ADD COLUMN totp_secret text,
  ADD COLUMN totp_enabled_at timestamptz,
  ADD COLUMN totp_last_step bigint,
  ADD COLUMN failed_logins integer NOT NULL DEFAULT 0,
  ADD COLUMN locked_until timestamptz,
  ADD COLUMN disabled_at timestamptz,
  -- Bumped whenever what an access token asserts about the user changes (roles, disabled):
  -- tokens carrying an older version are refused; `auth_changed_at` lets servers poll for it.
  ADD COLUMN auth_version integer NOT NULL DEFAULT 1,
  ADD COLUMN auth_changed_at timestamptz NOT NULL DEFAULT now();
CREATE UNIQUE INDEX users_idp ON users (idp_issuer, idp_subject) WHERE idp_issuer IS NOT NULL;
CREATE INDEX users_auth_changed ON users (auth_changed_at);

CREATE TABLE recovery_codes (
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash bytea NOT NULL,
  used_at timestamptz,
  PRIMARY KEY (user_id, code_hash)
);

-- A device enrolled by a sign-in has no gateway key: it proves itself with its device secret
-- when signing in and acts only through a person's session.
ALTER TABLE devices
  ALTER COLUMN key_hash DROP NOT NULL,
  ALTER COLUMN key_prefix DROP NOT NULL,
  ADD COLUMN name text,
  ADD COLUMN enrolled_via text NOT NULL DEFAULT 'admin_key'
    CHECK (enrolled_via IN ('admin_key', 'oidc', 'password')),
  ADD COLUMN secret_hash bytea UNIQUE;
CREATE INDEX devices_revoked_at ON devices (revoked_at) WHERE revoked_at IS NOT NULL;

-- One row per sign-in of a person on a device; its refresh tokens are one rotation family.
CREATE TABLE auth_sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id),
  device_id uuid NOT NULL REFERENCES devices (id),
  method text NOT NULL CHECK (method IN ('oidc', 'password')),
  mfa boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  refreshed_at timestamptz,
  revoked_at timestamptz,
  revoked_reason text
);
CREATE INDEX auth_sessions_user ON auth_sessions (user_id);
CREATE INDEX auth_sessions_device ON auth_sessions (device_id);
CREATE INDEX auth_sessions_revoked_at ON auth_sessions (revoked_at) WHERE revoked_at IS NOT NULL;

CREATE TABLE refresh_tokens (
  token_hash bytea PRIMARY KEY,
  session_id uuid NOT NULL REFERENCES auth_sessions (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

-- OIDC sign-ins between /oidc/start and /oidc/finish (single use, ten minutes).
CREATE TABLE oidc_logins (
  state_hash bytea PRIMARY KEY,
  nonce text NOT NULL,
  code_challenge text NOT NULL,
  redirect_uri text NOT NULL,
  expires_at timestamptz NOT NULL
);

-- Access-token signing keys (JWK). Every server instance sharing the database signs and
-- verifies with the same keys.
CREATE TABLE auth_signing_keys (
  kid text PRIMARY KEY,
  alg text NOT NULL,
  private_jwk jsonb NOT NULL,
  public_jwk jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  retired_at timestamptz
);

-- Rate-limit windows shared by every server instance. Unlogged: counters need no crash safety,
-- and skipping the WAL keeps an increment cheap.
CREATE UNLOGGED TABLE rate_limits (
  key text PRIMARY KEY,
  count integer NOT NULL,
  window_end timestamptz NOT NULL
);
