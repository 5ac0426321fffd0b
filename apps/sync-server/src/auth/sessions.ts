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

async function tx<T>(db: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await db.connect();
  try {
    await c.query('BEGIN');
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    c.release();
  }
}

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
  return tx(db, async (c) => {
    const spent = await c.query<{ session_id: string }>(
      `UPDATE refresh_tokens SET used_at = now()
        WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
       RETURNING session_id`,
      [hash],
    );
    const sessionId = spent.rows[0]?.session_id;
    if (!sessionId) {
      const known = await c.query<{ session_id: string; used: boolean }>(
        `SELECT session_id, used_at IS NOT NULL AS used FROM refresh_tokens WHERE token_hash = $1`,
        [hash],
      );
      const k = known.rows[0];
      if (!k?.used) return { kind: 'invalid' as const };
      const s = await c.query<{ user_id: string; device_id: string }>(
        `UPDATE auth_sessions
            SET revoked_at = coalesce(revoked_at, now()),
                revoked_reason = coalesce(revoked_reason, 'refresh_token_reused')
          WHERE id = $1 RETURNING user_id, device_id`,
        [k.session_id],
      );
      return {
        kind: 'reused' as const,
        sessionId: k.session_id,
        userId: s.rows[0]?.user_id ?? '',
        deviceId: s.rows[0]?.device_id ?? '',
      };
    }
    const r = await c.query<
      UserRow & { device_id: string; s_revoked: boolean; d_revoked: boolean; disabled: boolean }
    >(
      `SELECT ${USER_COLUMNS}, s.device_id, s.revoked_at IS NOT NULL AS s_revoked,
              d.revoked_at IS NOT NULL AS d_revoked, u.disabled_at IS NOT NULL AS disabled
         FROM auth_sessions s JOIN users u ON u.id = s.user_id JOIN devices d ON d.id = s.device_id
        WHERE s.id = $1`,
      [sessionId],
    );
    const row = r.rows[0];
    if (!row) return { kind: 'invalid' as const };
    const ref: SessionRef = { sessionId, deviceId: row.device_id, user: userOf(row) };
    if (row.s_revoked) return { kind: 'revoked' as const, why: 'session' as const, ref };
    if (row.d_revoked) return { kind: 'revoked' as const, why: 'device' as const, ref };
    if (row.disabled) return { kind: 'revoked' as const, why: 'user_disabled' as const, ref };
    const next = newRefreshToken();
    await c.query(
      `INSERT INTO refresh_tokens (token_hash, session_id, expires_at)
       VALUES ($1, $2, now() + make_interval(secs => $3))`,
      [hashToken(next), sessionId, refreshTtlSeconds],
    );
    await c.query(`UPDATE auth_sessions SET refreshed_at = now() WHERE id = $1`, [sessionId]);
    return { kind: 'ok' as const, ref, refreshToken: next };
  });
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
