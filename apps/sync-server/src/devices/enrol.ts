import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { hashKey } from './devices.js';

/**
 * Workstations enrolled by a person's first sign-in. Such a device has no gateway key: it holds
 * a device secret (256 random bits, stored hashed) that it presents when signing in again, and
 * it reaches the gateway only through a person's access token.
 */
const SECRET_PREFIX = 'vds_';

export type EnrolledDevice = Readonly<{ id: string; secret: string }>;

export async function enrolDevice(
  db: pg.Pool | pg.ClientBase,
  userId: string,
  name: string,
  via: 'oidc' | 'password',
): Promise<EnrolledDevice> {
  const secret = SECRET_PREFIX + randomBytes(32).toString('base64url');
  const r = await db.query<{ id: string }>(
    `INSERT INTO devices (user_id, name, enrolled_via, secret_hash) VALUES ($1, $2, $3, $4)
     RETURNING id`,
    [userId, name, via, hashKey(secret)],
  );
  return { id: r.rows[0]?.id ?? '', secret };
}

export type DeviceCheck = 'ok' | 'revoked' | 'unknown';

/** Whether a presented device id and secret belong together, and the device is not revoked. */
export async function checkDevice(
  db: pg.Pool | pg.ClientBase,
  id: string,
  secret: string,
): Promise<DeviceCheck> {
  if (!/^[0-9a-f-]{36}$/i.test(id) || !secret.startsWith(SECRET_PREFIX) || secret.length > 100) {
    return 'unknown';
  }
  const r = await db.query<{ revoked: boolean }>(
    `SELECT revoked_at IS NOT NULL AS revoked FROM devices WHERE id = $1 AND secret_hash = $2`,
    [id, hashKey(secret)],
  );
  const row = r.rows[0];
  if (!row) return 'unknown';
  return row.revoked ? 'revoked' : 'ok';
}
