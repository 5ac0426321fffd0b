-- Nextcloud (issue 22): one connection per person to the clinic's Nextcloud. The app password is
-- stored only as AES-256-GCM ciphertext under a server key that lives OUTSIDE the database
-- (NEXTCLOUD_KEYS_FILE, see src/nextcloud/keys.ts), bound to the row's user and login as
-- associated data, so a copied or swapped row does not decrypt. It never leaves the server.
CREATE TABLE nextcloud_connections (
  user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  login text NOT NULL,
  -- The DAV collections this connection uses (Nextcloud's paths unless an operator chose others).
  caldav_url text NOT NULL,
  webdav_url text NOT NULL,
  key_id text NOT NULL,
  nonce bytea NOT NULL,
  secret bytea NOT NULL,
  via text NOT NULL CHECK (via IN ('login_flow', 'cli')),
  -- 'revoked': Nextcloud refused the app password; the person must connect again.
  state text NOT NULL DEFAULT 'connected' CHECK (state IN ('connected', 'revoked')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX nextcloud_connections_key ON nextcloud_connections (key_id);

-- Login Flow v2 sign-ins in flight (twenty minutes at most, as Nextcloud keeps them). The poll
-- token is a secret too: encrypted like the app password.
CREATE TABLE nextcloud_login_flows (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  poll_endpoint text NOT NULL,
  key_id text NOT NULL,
  nonce bytea NOT NULL,
  secret bytea NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX nextcloud_login_flows_user ON nextcloud_login_flows (user_id);
