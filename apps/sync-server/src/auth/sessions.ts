import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { Role } from '../identity/roles.js';

const REFRESH_PREFIX = 'vrt_';

export const hashToken = (t: string): Buffer => createHash('sha256').update(t).digest();
export const looksLikeRefreshToken = (t: string): boolean =>
  t.startsWith(REFRESH_PREFIX) && t.length <= 100;
const newRefreshToken = () => REFRESH_PREFIX + randomBytes(32).toString('base64url');

export type SessionUser = Readonly<{
  id: string;
  name: string;
  clinicId: string;
  roles: readonly Role[];
  version: number;
  displayName: string | null;
  email: string | null;
}>;

export type SessionRef = Readonly<{
  sessionId: string;
  deviceId: string;
  user: SessionUser;
}>;

const USER_COLUMNS = `u.id AS user_id, u.name AS user_name, u.clinic_id, u.roles, u.auth_version,
  u.display_name, u.email`;

type UserRow = {
  user_id: string;
  user_name: string;
  clinic_id: string;
  roles: Role[];
  auth_version: number;
  display_name: string | null;
  email: string | null;
};

export const userOf = (r: UserRow): SessionUser => ({
  id: r.user_id,
  name: r.user_name,
  clinicId: r.clinic_id,
  roles: r.roles,
  version: r.auth_version,
  displayName: r.display_name,
  email: r.email,
});

/** Starts a session (one refresh-token family) for a person on a device. */
export async function createSession(
  db: pg.Pool | pg.ClientBase,
  s: { userId: string; deviceId: string; method: 'oidc' | 'password'; mfa: boolean },
  refreshTtlSeconds: number,
): Promise<{ sessionId: string; refreshToken: string }> {
  const r = await db.query<{ id: string }>(
    `INSERT INTO auth_sessions (user_id, device_id, method, mfa) VALUES ($1, $2, $3, $4)
     RETURNING id`,
    [s.userId, s.deviceId, s.method, s.mfa],
  );
  const sessionId = r.rows[0]?.id ?? '';
  const refreshToken = newRefreshToken();
  await db.query(
    `INSERT INTO refresh_tokens (token_hash, session_id, expires_at)
     VALUES ($1, $2, now() + make_interval(secs => $3))`,
    [hashToken(refreshToken), sessionId, refreshTtlSeconds],
  );
  return { sessionId, refreshToken };
}

export type Rotation =
  | { kind: 'ok'; ref: SessionRef; refreshToken: string }
  | { kind: 'invalid' }
  | { kind: 'reused'; sessionId: string; userId: string; deviceId: string }
  | { kind: 'revoked'; why: 'session' | 'device' | 'user_disabled'; ref: SessionRef };

/**
 * Spends a refresh token and issues its successor. A token is spent once: presenting a spent
 * one (a copy used by someone else, or a replay) ends the whole session — every token of the
 * family — and the caller notifies the other servers (OAuth 2.0 Security BCP §4.14).
 */
export async function rotateRefreshToken(
  db: pg.Pool,
  token: string,
  refreshTtlSeconds: number,
): Promise<Rotation> {
  if (!looksLikeRefreshToken(token)) return { kind: 'invalid' };
  const hash = hashToken(token);
  const next = newRefreshToken();
  // One statement (one round trip, one commit): spend the token, read the session, user and
  // device, and issue the successor only when all three are still good.
  const r = await db.query<
    UserRow & {
      session_id: string;
      device_id: string;
      s_revoked: boolean;
      d_revoked: boolean;
      disabled: boolean;
      issued: boolean;
    }
  >(
    `WITH spent AS (
       UPDATE refresh_tokens SET used_at = now()
        WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
       RETURNING session_id),
     s AS (
       SELECT ${USER_COLUMNS}, s.id AS session_id, s.device_id,
              s.revoked_at IS NOT NULL AS s_revoked, d.revoked_at IS NOT NULL AS d_revoked,
              u.disabled_at IS NOT NULL AS disabled
         FROM spent JOIN auth_sessions s ON s.id = spent.session_id
         JOIN users u ON u.id = s.user_id JOIN devices d ON d.id = s.device_id),
     issued AS (
       INSERT INTO refresh_tokens (token_hash, session_id, expires_at)
       SELECT $2, session_id, now() + make_interval(secs => $3) FROM s
        WHERE NOT s_revoked AND NOT d_revoked AND NOT disabled
       RETURNING session_id),
     touched AS (
       UPDATE auth_sessions SET refreshed_at = now() WHERE id IN (SELECT session_id FROM issued))
     SELECT s.*, EXISTS (SELECT 1 FROM issued) AS issued FROM s`,
    [hash, hashToken(next), refreshTtlSeconds],
  );
  const row = r.rows[0];
  if (row) {
    const ref: SessionRef = {
      sessionId: row.session_id,
      deviceId: row.device_id,
      user: userOf(row),
    };
    if (row.s_revoked) return { kind: 'revoked', why: 'session', ref };
    if (row.d_revoked) return { kind: 'revoked', why: 'device', ref };
    if (row.disabled) return { kind: 'revoked', why: 'user_disabled', ref };
    return { kind: 'ok', ref, refreshToken: next };
  }
  // Not spendable: unknown or expired, or spent before — a reuse, which ends the family.
  const reused = await db.query<{ session_id: string; user_id: string; device_id: string }>(
    `UPDATE auth_sessions s
        SET revoked_at = coalesce(s.revoked_at, now()),
            revoked_reason = coalesce(s.revoked_reason, 'refresh_token_reused')
       FROM refresh_tokens t
      WHERE t.token_hash = $1 AND t.used_at IS NOT NULL AND s.id = t.session_id
     RETURNING s.id AS session_id, s.user_id, s.device_id`,
    [hash],
  );
  const k = reused.rows[0];
  if (!k) return { kind: 'invalid' };
  return { kind: 'reused', sessionId: k.session_id, userId: k.user_id, deviceId: k.device_id };
}

/** Ends one session; returns it when it was still open. */
export async function revokeSession(
  db: pg.Pool | pg.ClientBase,
  sessionId: string,
  reason: string,
): Promise<{ userId: string; deviceId: string } | undefined> {
  const r = await db.query<{ user_id: string; device_id: string }>(
    `UPDATE auth_sessions SET revoked_at = now(), revoked_reason = $2
      WHERE id = $1 AND revoked_at IS NULL RETURNING user_id, device_id`,
    [sessionId, reason],
  );
  const row = r.rows[0];
  return row ? { userId: row.user_id, deviceId: row.device_id } : undefined;
}

/** Ends every open session of a user or of a device; returns their ids. */
export async function revokeSessionsOf(
  db: pg.Pool | pg.ClientBase,
  by: { userId: string } | { deviceId: string },
  reason: string,
): Promise<string[]> {
  const [col, id] = 'userId' in by ? ['user_id', by.userId] : ['device_id', by.deviceId];
  const r = await db.query<{ id: string }>(
    `UPDATE auth_sessions SET revoked_at = now(), revoked_reason = $2
      WHERE ${col} = $1 AND revoked_at IS NULL RETURNING id`,
    [id, reason],
  );
  return r.rows.map((x) => x.id);
}

/** The session behind a refresh token (spent or not), for signing out with it. */
export async function sessionOfRefreshToken(
  db: pg.Pool,
  token: string,
): Promise<string | undefined> {
  if (!looksLikeRefreshToken(token)) return undefined;
  const r = await db.query<{ session_id: string }>(
    `SELECT session_id FROM refresh_tokens WHERE token_hash = $1`,
    [hashToken(token)],
  );
  return r.rows[0]?.session_id;
}

export async function loadUser(
  db: pg.Pool | pg.ClientBase,
  userId: string,
): Promise<SessionUser | undefined> {
  const r = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = $1`, [
    userId,
  ]);
  const row = r.rows[0];
  return row ? userOf(row) : undefined;
}
