-- Provider gateway: prices, metering, quotas, clinic provider policy and the audit log.
CREATE TABLE provider_prices (
  provider text NOT NULL,          -- openai | deepgram | elevenlabs (or a fallback's name)
  unit text NOT NULL,              -- input_token | output_token | audio_second | character
  usd_per_unit numeric(20, 12) NOT NULL,
  PRIMARY KEY (provider, unit)
);
-- List prices at the time of writing (USD); operators update them with SQL.
INSERT INTO provider_prices (provider, unit, usd_per_unit) VALUES
  ('openai', 'input_token', 0.00000015),
  ('openai', 'output_token', 0.0000006),
  ('openai-fallback', 'input_token', 0.00000015),
  ('openai-fallback', 'output_token', 0.0000006),
  ('deepgram', 'audio_second', 0.0000717),
  ('elevenlabs', 'character', 0.00005);

CREATE TABLE usage_events (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  request_id text NOT NULL,
  user_id uuid NOT NULL REFERENCES users (id),
  clinic_id text NOT NULL REFERENCES clinics (id),
  device_id uuid NOT NULL REFERENCES devices (id),
  kind text NOT NULL,              -- llm | stt | tts
  provider text NOT NULL,
  unit text NOT NULL,
  quantity numeric(20, 4) NOT NULL,
  cost_usd numeric(20, 10) NOT NULL,
  outcome text NOT NULL            -- ok | error code
);
CREATE INDEX usage_events_user_at ON usage_events (user_id, at);
CREATE INDEX usage_events_clinic_at ON usage_events (clinic_id, at);

-- A NULL limit means unlimited. scope 'user' → subject is a users.id; 'clinic' → a clinics.id.
CREATE TABLE quotas (
  scope text NOT NULL CHECK (scope IN ('user', 'clinic')),
  subject text NOT NULL,
  daily_cost_usd numeric(20, 4),
  requests_per_minute integer,
  PRIMARY KEY (scope, subject)
);

-- A provider covered by a BAA with the clinic may receive text the PHI guard would refuse.
CREATE TABLE clinic_provider_policy (
  clinic_id text NOT NULL REFERENCES clinics (id),
  provider text NOT NULL,
  baa_covered boolean NOT NULL DEFAULT false,
  PRIMARY KEY (clinic_id, provider)
);

-- Append-only. `detail` holds counts and codes, never request content.
CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  action text NOT NULL,
  user_id uuid,
  clinic_id text,
  device_id uuid,
  provider text,
  detail jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_action_at ON audit_log (action, at);
